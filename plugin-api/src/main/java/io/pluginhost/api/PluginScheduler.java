package io.pluginhost.api;

import java.time.Duration;

/**
 * Runs a plugin's work later or periodically, on threads the host manages, from
 * {@link PluginContext#scheduler()}: polling, housekeeping, retries. A plugin that starts its own
 * threads or timers must stop them in {@code cleanup}, and a thread it forgets keeps its class loader;
 * the host's tasks stop by themselves when the plugin unloads.
 *
 * <p>Each run is a call into the plugin as {@code execute} is: on a thread of its own, with the
 * plugin's class loader as context loader, counted so that an unload waits for a run in flight (up to
 * the drain timeout) and {@code cleanup} never runs beside one, unless the plugin is unloaded by force
 * because a call never returned. A run that throws is reported as the
 * plugin's error (logged, and to the lifecycle listeners) and a periodic task runs again at its next
 * time; a run that is still going at its next time skips that time rather than overlap. Unloading the
 * plugin cancels its tasks, and the host keeps nothing of them.
 *
 * <p>A plugin holds at most 64 tasks that have not ended (one-shot tasks not yet run, periodic tasks not
 * cancelled); a period is at least 10 ms. A run costs a thread start (a fraction of a millisecond): this
 * is for work every so often, not for timing to the millisecond.
 */
public interface PluginScheduler {

    /** The most tasks one plugin holds at once. */
    int MAX_TASKS = 64;
    /** The shortest period of a periodic task. */
    Duration MIN_PERIOD = Duration.ofMillis(10);

    /**
     * @param delay how long from now, zero or more
     * @param task  the work
     * @return the task, to cancel
     * @throws io.pluginhost.api.exception.ResourceLimitExceededException if the plugin holds
     *         {@link #MAX_TASKS} already
     */
    ScheduledTask schedule(Duration delay, Runnable task);

    /**
     * @param initialDelay how long from now to the first run, zero or more
     * @param period       how long from the start of one run to the start of the next, at least
     *                     {@link #MIN_PERIOD}
     * @param task         the work
     * @return the task, to cancel
     * @throws io.pluginhost.api.exception.ResourceLimitExceededException if the plugin holds
     *         {@link #MAX_TASKS} already
     */
    ScheduledTask scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task);

    /** A task of the scheduler. */
    interface ScheduledTask {

        /** Stops its later runs; a run in progress finishes. Does nothing if it is cancelled or ended. */
        void cancel();

        /** @return whether it will not run again: cancelled, run once, or its plugin unloaded */
        boolean isDone();
    }
}
