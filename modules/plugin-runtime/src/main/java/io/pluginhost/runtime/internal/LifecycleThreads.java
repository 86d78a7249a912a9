package io.pluginhost.runtime.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads {@code initialize} and {@code cleanup} run on, so the engine can stop waiting at their
 * deadline. Pooled where the engine can clean a thread after each call (its thread locals dropped,
 * its context loader reset: nothing of a plugin stays on it), which costs a hand-off instead of a
 * thread start; a fresh thread per call where it cannot ({@code java.lang} not open to the host).
 * A thread stuck in plugin code past its deadline simply stays busy; the pool starts another.
 * Threads are created by the engine's lifecycle thread, never under plugin frames, and are daemons.
 */
public final class LifecycleThreads implements AutoCloseable {

    private static final AtomicInteger ENGINES = new AtomicInteger();

    private final ClassLoader hostLoader;
    private final ThreadPoolExecutor pool;

    /** @param hostLoader the context loader a thread gets back after running plugin code */
    public LifecycleThreads(ClassLoader hostLoader) {
        this.hostLoader = hostLoader;
        int engine = ENGINES.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        this.pool = ThreadHygiene.canForgetThreadLocals()
                ? new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, "plugin-lifecycle-" + engine + "-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                })
                : null;
    }

    /**
     * Starts plugin code on a lifecycle thread.
     *
     * @param name          what the call is, for the thread's name while it runs: {@code plugin-initialize-x}
     * @param contextLoader the plugin's loader, the thread's context loader during the call
     * @param code          the plugin code
     * @return the call's future
     */
    public Future<Void> start(String name, ClassLoader contextLoader, Callable<Void> code) {
        if (pool == null) {
            FutureTask<Void> task = new FutureTask<>(code);
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.setContextClassLoader(contextLoader);
            thread.start();
            return task;
        }
        return pool.submit(() -> {
            Thread thread = Thread.currentThread();
            String idle = thread.getName();
            thread.setName(name);
            thread.setContextClassLoader(contextLoader);
            try {
                return code.call();
            } finally {
                thread.setContextClassLoader(hostLoader);
                ThreadHygiene.forgetThreadLocals();
                thread.setName(idle);
            }
        });
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
