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
 *
 * <p>Each node of a cluster that loads the plugin runs its tasks: a periodic task runs once per period on
 * every node. Work the cluster wants done once per period (a clean-up, a report, a poll of an outside
 * service) is scheduled with {@link #scheduleOnOneNode}.
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

    /**
     * Runs a task periodically on one node of the cluster at a time. Every node that loads the plugin
     * schedules it; at each of its times a node asks the host's database for the task's lease, and runs the
     * task only while it holds it, so the node that holds the lease runs it once per period and the others
     * skip. The holder renews the lease at each of its times (while a run goes on too); when it unloads the
     * plugin, cancels the task or is suspended it gives the lease up, and another node takes the task at its
     * next time; a node that stops without a word (a crash) holds it at most a period and 30 seconds longer.
     * Nodes that share the host's task data source make one cluster; a host alone, or with no database,
     * holds every lease itself. A node that cannot reach the database skips its runs until it can, and logs
     * why. Each time of each node costs two statements on the database: this is for work every few seconds or
     * more. Otherwise a run is as {@link #scheduleAtFixedRate}'s.
     *
     * @param name         the task's name, the same on every node: 1 to 100 letters, digits, '.', '_' or
     *                     '-', unique among the plugin's tasks on one node that have not ended
     * @param initialDelay how long from now to this node's first time, zero or more
     * @param period       how long from one time to the next, at least {@link #MIN_PERIOD}
     * @param task         the work
     * @return the task, to cancel on this node
     * @throws io.pluginhost.api.exception.InvalidArgumentException if the name is malformed or taken
     * @throws io.pluginhost.api.exception.ResourceLimitExceededException if the plugin holds
     *         {@link #MAX_TASKS} already
     */
    default ScheduledTask scheduleOnOneNode(String name, Duration initialDelay, Duration period, Runnable task) {
        throw new UnsupportedOperationException("this scheduler runs no task on one node");
    }

    /** A task of the scheduler. */
    interface ScheduledTask {

        /** Stops its later runs; a run in progress finishes. Does nothing if it is cancelled or ended. */
        void cancel();

        /** @return whether it will not run again: cancelled, run once, or its plugin unloaded */
        boolean isDone();
    }
}
