package io.pluginhost.runtime.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's clock for the plugins' scheduled tasks: one thread that only says when a task is due
 * and starts a thread for the run, so that no plugin's run can hold up another's time. Started by the
 * first task and ended after a minute with none due, so an engine whose plugins schedule nothing has
 * no thread for it; a cancelled task leaves its queue at once, so nothing of an unloaded plugin stays.
 *
 * <p>Every thread here is made with the host's loader as context loader and without the inheritable
 * thread locals of the thread that made it: the first schedule comes from a plugin's thread, whose
 * context loader and inheritable values would otherwise stay on the timer for good.
 */
public final class TaskTimer implements AutoCloseable {

    private final ClassLoader hostLoader;
    private final ScheduledThreadPoolExecutor clock;
    private final AtomicInteger runs = new AtomicInteger();

    /** @param hostLoader the context loader of the timer's threads */
    public TaskTimer(ClassLoader hostLoader) {
        this.hostLoader = hostLoader;
        this.clock = new ScheduledThreadPoolExecutor(1, threads("pluginhost-task-timer"));
        clock.setRemoveOnCancelPolicy(true);
        clock.setKeepAliveTime(1, TimeUnit.MINUTES);
        clock.allowCoreThreadTimeOut(true);
        clock.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        clock.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /**
     * @param due    what to do when the time comes, on the timer's thread: start the run, no more
     * @param delay  nanoseconds from now
     * @param period nanoseconds between starts, or 0 for once
     * @return the timing, to cancel
     */
    public ScheduledFuture<?> schedule(Runnable due, long delay, long period) {
        return period == 0 ? clock.schedule(due, delay, TimeUnit.NANOSECONDS)
                : clock.scheduleAtFixedRate(due, delay, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts a run on a thread of its own, which ends with it. From JDK 19 on an ended thread keeps its
     * task; nothing keeps these threads once they end (the engine makes them itself, not through a
     * container's factory that may list them), so the run goes with the thread.
     *
     * @param plugin the plugin, for the thread's name
     * @param run    the run
     */
    public void start(String plugin, Runnable run) {
        threads("plugin-task-" + plugin + "-" + runs.incrementAndGet()).newThread(run).start();
    }

    private ThreadFactory threads(String name) {
        return runnable -> {
            Thread thread = new Thread(null, runnable, name, 0, false);
            thread.setDaemon(true);
            thread.setContextClassLoader(hostLoader);
            return thread;
        };
    }

    /** Cancels every task; runs in progress finish. */
    @Override
    public void close() {
        clock.shutdownNow();
    }
}
