package io.pluginhost.host;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Runs a costly task (a heap dump and its analysis) once for all who ask while it runs: a caller that
 * asks meanwhile waits for that run and gets its result, or its failure; one that asks after it ended
 * runs the task again. Thread-safe.
 *
 * @param <T> the task's result
 */
final class SharedRun<T> {

    private final Supplier<T> task;
    /** The run in progress, or {@code null}. Guarded by {@code this}. */
    private CompletableFuture<T> running;

    SharedRun(Supplier<T> task) {
        this.task = task;
    }

    /** @return the result of the run in progress, or of one started now */
    T get() {
        CompletableFuture<T> run;
        boolean mine;
        synchronized (this) {
            mine = running == null;
            if (mine) {
                running = new CompletableFuture<>();
            }
            run = running;
        }
        if (mine) {
            try {
                run.complete(task.get());
            } catch (RuntimeException | Error e) {
                run.completeExceptionally(e);
            } finally {
                synchronized (this) {
                    running = null;
                }
            }
        }
        try {
            return run.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
