package io.pluginhost.host;

import io.pluginhost.runtime.BackgroundWork;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The plugins' background work (a scheduled task's run, a Kafka consumer's records) counted as requests of
 * WildFly's request controller, so that a suspend ({@code :suspend}, the start of a graceful {@code :shutdown})
 * waits for the work in progress as it waits for HTTP requests, and refuses new work at once rather than when
 * the host next reads the server's state ({@link ServerSuspension}).
 *
 * <p>The count goes through the server's managed executor, the public door to the request controller: the
 * executor counts a task as a request from its submission until it ends, and refuses tasks from the moment a
 * suspend begins. While any work is in progress one task waits on the executor for the last of it to end (the
 * hold); work that begins meanwhile asks the executor with a task that does nothing, so that a suspend refuses
 * it too. The work of every plugin together so takes one of the executor's threads, not one each. The hold
 * refers to nothing but its latch: no plugin object is kept by the executor's threads.
 *
 * <p>The count and the hold are guarded by this object's lock; the executor is asked under it, so that a
 * hold is never ended while work that the executor accepted after it is still to be counted.
 */
final class BackgroundRequests implements BackgroundWork, AutoCloseable {

    private static final Runnable NOTHING = () -> { };

    private final Executor managed;
    private final Runnable refused;
    private int inProgress;
    /** Released when the count falls back to 0; null while it is 0. */
    private CountDownLatch hold;
    private boolean closed;

    /**
     * @param managed the server's managed executor
     * @param refused told, on the refused work's thread, when the executor refused work: it should read the
     *                server's state and suspend the engine if the server suspends
     */
    BackgroundRequests(Executor managed, Runnable refused) {
        this.managed = managed;
        this.refused = refused;
    }

    @Override
    public Optional<Counted> begin() {
        synchronized (this) {
            if (closed) {
                return Optional.of(Counted.NOTHING);
            }
            try {
                if (inProgress == 0) {
                    CountDownLatch release = new CountDownLatch(1);
                    managed.execute(() -> awaitQuietly(release));
                    hold = release;
                } else {
                    managed.execute(NOTHING);
                }
                inProgress++;
                AtomicBoolean ended = new AtomicBoolean();
                return Optional.of(() -> {
                    if (ended.compareAndSet(false, true)) {
                        end();
                    }
                });
            } catch (RejectedExecutionException suspending) {
                // told below, outside the lock: the engine's suspend takes its own
            }
        }
        refused.run();
        return Optional.empty();
    }

    private synchronized void end() {
        if (!closed && --inProgress == 0) {
            hold.countDown();
            hold = null;
        }
    }

    /**
     * The host stops, after its engine: work still counted (a run stuck in a plugin's code, which the engine's
     * close gave up waiting for) is waited for no longer, and the executor's thread is let go.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (hold != null) {
            hold.countDown();
            hold = null;
        }
    }

    /** @return how much work is counted now */
    synchronized int inProgress() {
        return inProgress;
    }

    /** The hold: ends when the work in progress has; interrupted, when the executor shuts down, it ends at once. */
    private static void awaitQuietly(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException shuttingDown) {
            Thread.currentThread().interrupt();
        }
    }
}
