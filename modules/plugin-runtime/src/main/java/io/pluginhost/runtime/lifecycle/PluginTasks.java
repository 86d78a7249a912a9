package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.PluginScheduler;
import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.api.exception.ResourceLimitExceededException;
import io.pluginhost.runtime.internal.TaskTimer;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One plugin's {@link PluginScheduler}: its tasks on the engine's {@link TaskTimer}, each run a call into
 * the plugin ({@link LoadedPlugin#runTask}). Closed at unload, after the plugin's gate has drained: every
 * task is cancelled and leaves the timer's queue, and the set of tasks is emptied, so nothing the engine
 * keeps refers to the plugin's code. While the engine is suspended a task that comes due is held by the
 * timer and runs once at the resume ({@link TaskTimer#hold}), as WildFly's EJB timers do.
 */
final class PluginTasks implements PluginScheduler, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginTasks.class.getName());
    /**
     * Never, in practice: 73 years. The JDK's timer orders its queue by the differences of its tasks'
     * times, which must fit a long: it keeps a first delay within that, but not the period it adds after
     * each run, so a period near {@code Long.MAX_VALUE} nanoseconds could put it before an overdue task.
     */
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 4);

    private final LoadedPlugin plugin;
    private final TaskTimer timer;
    private final Set<Task> tasks = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    PluginTasks(LoadedPlugin plugin, TaskTimer timer) {
        this.plugin = plugin;
        this.timer = timer;
    }

    @Override
    public ScheduledTask schedule(Duration delay, Runnable task) {
        return add(delay, Duration.ZERO, task, "delay");
    }

    @Override
    public ScheduledTask scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        if (period == null || period.compareTo(MIN_PERIOD) < 0) {
            throw new InvalidArgumentException("period", "a task's period is at least " + MIN_PERIOD.toMillis()
                    + " ms (each run starts a thread); got " + period);
        }
        return add(initialDelay, period, task, "initialDelay");
    }

    private ScheduledTask add(Duration delay, Duration period, Runnable work, String delayName) {
        if (delay == null || delay.isNegative()) {
            throw new InvalidArgumentException(delayName, delayName + " must be zero or more; got " + delay);
        }
        if (work == null) {
            throw new InvalidArgumentException("task", "task must not be null");
        }
        Task task = new Task(work, period.isZero());
        synchronized (tasks) { // the cap is exact under concurrent schedules
            if (closed) {
                throw new PluginContextInvalidatedException(plugin.name());
            }
            if (tasks.size() >= MAX_TASKS) {
                throw new ResourceLimitExceededException("max tasks", "plugin '" + plugin.name() + "' holds "
                        + MAX_TASKS + " scheduled tasks, the most a plugin may: cancel one first (a one-shot task"
                        + " ends when it has run)");
            }
            tasks.add(task);
        }
        task.timing = timer.schedule(task.onDue, saturatedNanos(delay), saturatedNanos(period));
        if (task.done) { // cancelled before it had its timing, which would stay in the timer's queue
            task.timing.cancel(false);
        }
        return task;
    }

    /** @return the duration in nanoseconds, at most {@link #LONGEST}'s */
    private static long saturatedNanos(Duration duration) {
        return duration.compareTo(LONGEST) > 0 ? LONGEST.toNanos() : duration.toNanos();
    }

    /** @return how many tasks have not ended */
    int size() {
        return tasks.size();
    }

    /** @return whether the engine is suspended */
    boolean suspended() {
        return timer.isSuspended();
    }

    /** Cancels every task and forgets them; the engine calls it when the plugin unloads. */
    @Override
    public void close() {
        synchronized (tasks) {
            closed = true;
        }
        tasks.forEach(Task::cancel);
        tasks.clear();
    }

    private final class Task implements ScheduledTask {
        private final Runnable work;
        private final boolean once;
        /** What the timer calls when the task is due, and holds while the engine is suspended. */
        private final Runnable onDue = this::due;
        /** Whether a run is in progress: a periodic task's next time is skipped rather than overlap it. */
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile ScheduledFuture<?> timing;
        private volatile boolean done;

        Task(Runnable work, boolean once) {
            this.work = work;
            this.once = once;
        }

        /**
         * On the timer's thread, or the resume's for a held task: starts a run unless the task is cancelled,
         * held or a run is in progress.
         */
        private void due() {
            if (done || timer.hold(onDue)) {
                if (done) { // cancelled as it was being held: not kept until the resume
                    timer.forget(onDue);
                }
                return;
            }
            if (once) {
                end();
            }
            if (!running.compareAndSet(false, true)) {
                return;
            }
            try {
                timer.start(plugin.name(), () -> {
                    try {
                        plugin.runTask(work);
                    } finally {
                        running.set(false);
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                // No thread to be had: this time is lost, not the task (the timer would drop a periodic task
                // whose step threw, without a word).
                running.set(false);
                LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'': a scheduled run could not start: {1}",
                        plugin.name(), e.toString());
            }
        }

        @Override
        public void cancel() {
            end();
            ScheduledFuture<?> scheduled = timing;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        private void end() {
            done = true;
            tasks.remove(this);
            timer.forget(onDue);
        }

        @Override
        public boolean isDone() {
            return done;
        }
    }
}
