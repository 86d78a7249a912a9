package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.PluginScheduler;
import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.api.exception.ResourceLimitExceededException;
import io.pluginhost.runtime.BackgroundWork;
import io.pluginhost.runtime.TaskLeases;
import io.pluginhost.runtime.internal.TaskTimer;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * One plugin's {@link PluginScheduler}: its tasks on the engine's {@link TaskTimer}, each run a call into
 * the plugin ({@link LoadedPlugin#runTask}). Closed at unload, after the plugin's gate has drained: every
 * task is cancelled and leaves the timer's queue, and the set of tasks is emptied, so nothing the engine
 * keeps refers to the plugin's code. While the engine is suspended a task that comes due is held by the
 * timer and runs once at the resume ({@link TaskTimer#hold}), as WildFly's EJB timers do.
 *
 * <p>A task on one node of a cluster asks for its lease ({@link TaskLeases}) at each of
 * its times, on a thread of its own, and runs only while this node holds it; it gives the lease up when it
 * ends or the engine suspends. At most one call to the store per task is in progress: a time that comes while
 * one is, is skipped, so a store that hangs holds one thread per task, not one per time.
 */
final class PluginTasks implements PluginScheduler, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginTasks.class.getName());
    /**
     * Never, in practice: 73 years. The JDK's timer orders its queue by the differences of its tasks'
     * times, which must fit a long: it keeps a first delay within that, but not the period it adds after
     * each run, so a period near {@code Long.MAX_VALUE} nanoseconds could put it before an overdue task.
     */
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 4);
    /** How much longer than its period a lease lasts unless renewed: a node that stops in silence lets go. */
    private static final Duration LEASE_SLACK = Duration.ofSeconds(30);
    /** When a run the container refused while the engine was not suspended (it sheds load) is tried again. */
    static final Duration REFUSED_RETRY = Duration.ofMillis(250);
    private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

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
        return add(delay, Duration.ZERO, task, "delay", null);
    }

    @Override
    public ScheduledTask scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        return add(initialDelay, checked(period), task, "initialDelay", null);
    }

    @Override
    public ScheduledTask scheduleOnOneNode(String name, Duration initialDelay, Duration period, Runnable task) {
        if (name == null || !TASK_NAME.matcher(name).matches()) {
            throw new InvalidArgumentException("name", "a task's name is 1 to 100 letters, digits, '.', '_' or '-',"
                    + " the same on every node; got " + (name == null ? null : "'" + name + "'"));
        }
        return add(initialDelay, checked(period), task, "initialDelay", name);
    }

    private static Duration checked(Duration period) {
        if (period == null || period.compareTo(MIN_PERIOD) < 0) {
            throw new InvalidArgumentException("period", "a task's period is at least " + MIN_PERIOD.toMillis()
                    + " ms (each run starts a thread); got " + period);
        }
        return period;
    }

    private ScheduledTask add(Duration delay, Duration period, Runnable work, String delayName, String lease) {
        if (delay == null || delay.isNegative()) {
            throw new InvalidArgumentException(delayName, delayName + " must be zero or more; got " + delay);
        }
        if (work == null) {
            throw new InvalidArgumentException("task", "task must not be null");
        }
        Task task = new Task(work, period, lease);
        synchronized (tasks) { // the cap is exact under concurrent schedules
            if (closed) {
                throw new PluginContextInvalidatedException(plugin.name());
            }
            if (lease != null && tasks.stream().anyMatch(other -> lease.equals(other.lease))) {
                throw new InvalidArgumentException("name", "plugin '" + plugin.name() + "' has a task '" + lease
                        + "' on one node already: cancel it first, or give this one another name");
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

    /** @return see {@link TaskTimer#beginWork} */
    Optional<BackgroundWork.Counted> beginWork() {
        return timer.beginWork();
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
        /** The name of its lease, for a task on one node of a cluster; else null. */
        private final String lease;
        private final Duration leaseTime;
        /**
         * Whether a call to the lease store (an ask or a release) is in progress: a time that comes meanwhile is
         * skipped, and calls of one task never overtake each other.
         */
        private final AtomicBoolean asking = new AtomicBoolean();
        /** Whether this node holds its lease, as far as it knows. */
        private volatile boolean holding;
        /** What gives its lease up; run when it ends and at a suspend. */
        private final Runnable release = this::release;
        /** What the timer calls when the task is due, and holds while the engine is suspended. */
        private final Runnable onDue = this::due;
        /** Whether a run is in progress: a periodic task's next time is skipped rather than overlap it. */
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile ScheduledFuture<?> timing;
        /** The due again after the container refused a run while the engine was not suspended; else null. */
        private volatile ScheduledFuture<?> retry;
        private volatile boolean done;

        Task(Runnable work, Duration period, String lease) {
            this.work = work;
            this.once = period.isZero();
            this.lease = lease;
            this.leaseTime = period.compareTo(LONGEST) > 0 ? LONGEST : period.plus(LEASE_SLACK);
        }

        /**
         * On the timer's thread, or the resume's for a held task: starts a run unless the task is cancelled,
         * held or a run is in progress. The run is counted as the container's background work from before its
         * thread starts until it ends, so a suspend of the container waits for it; a due the container refuses
         * is held for the resume, or tried again shortly ({@link #refused}).
         */
        private void due() {
            if (done || timer.hold(onDue)) {
                if (done) { // cancelled as it was being held: not kept until the resume
                    timer.forget(onDue);
                }
                return;
            }
            if (lease != null) {
                leaseDue();
                return;
            }
            if (!running.compareAndSet(false, true)) {
                return;
            }
            BackgroundWork.Counted counted = timer.beginWork().orElse(null);
            if (counted == null) {
                running.set(false);
                refused();
                return;
            }
            if (once) {
                end();
            }
            try {
                timer.start(plugin.name(), () -> {
                    try (counted) {
                        plugin.runTask(work);
                    } finally {
                        running.set(false);
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                // No thread to be had: this time is lost, not the task (the timer would drop a periodic task
                // whose step threw, without a word).
                counted.close();
                running.set(false);
                LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'': a scheduled run could not start: {1}",
                        plugin.name(), e.toString());
            }
        }

        /**
         * The container refused the run: it is suspending, and the host has suspended the engine by now, so the
         * due is held for the resume; or it sheds load, and the due comes again after {@link #REFUSED_RETRY}
         * (a periodic task's next time may come first).
         */
        private void refused() {
            if (timer.hold(onDue)) {
                return;
            }
            try {
                retry = timer.schedule(onDue, REFUSED_RETRY.toNanos(), 0);
            } catch (RuntimeException closing) { // the engine is closing: nothing runs again
                return;
            }
            if (done) { // cancelled meanwhile: the retry would keep the task in the timer's queue
                retry.cancel(false);
            }
        }

        /**
         * Asks for the lease on a thread of its own and runs the task if this node holds it; with a run in
         * progress only renews it (a long run keeps its lease). A run is counted as {@link #due} counts it; a
         * time the container refuses asks nothing (a suspend gives the lease up).
         */
        private void leaseDue() {
            if (!asking.compareAndSet(false, true)) {
                return;
            }
            boolean run = running.compareAndSet(false, true);
            BackgroundWork.Counted counted = run ? timer.beginWork().orElse(null) : BackgroundWork.Counted.NOTHING;
            if (counted == null) {
                running.set(false);
                asking.set(false);
                refused();
                return;
            }
            try {
                timer.start(plugin.name(), () -> {
                    try (counted) {
                        if (holdsLease() && run && !done && !timer.isSuspended()) {
                            plugin.runTask(work);
                        }
                    } finally {
                        if (run) {
                            running.set(false);
                        }
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                counted.close();
                asking.set(false);
                if (run) {
                    running.set(false);
                }
                LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'': task ''{1}'' could not ask for its lease: {2}",
                        plugin.name(), lease, e.toString());
            }
        }

        /** @return whether this node holds the lease after asking the store; ends the ask */
        private boolean holdsLease() {
            boolean held = false;
            try {
                held = timer.leases().hold(plugin.name(), lease, leaseTime);
            } catch (Exception e) {
                timer.leaseProblem("plugin '" + plugin.name() + "': task '" + lease + "' does not run this time:"
                        + " its lease could not be asked for (" + timer.leases() + "): " + e);
            } finally {
                holding = held;
                asking.set(false);
            }
            if (!held) {
                timer.released(release);
                return false;
            }
            timer.holding(release); // before the look at the suspend, which gives up what it finds held after it
            if (done || timer.isSuspended()) { // ended or suspended while asking: let another node have it
                release();
                return false;
            }
            return true;
        }

        /**
         * Gives the lease up on a thread of its own, if this node holds it. It is a call to the store as an
         * ask is, so no ask overtakes it; with an ask in progress it is left to that ask, which gives up what
         * it got once it sees the task ended or the engine suspended.
         */
        private void release() {
            timer.released(release);
            if (!holding || !asking.compareAndSet(false, true)) {
                return;
            }
            holding = false;
            TaskTimer clock = timer;
            TaskLeases leases = timer.leases();
            String pluginName = plugin.name();
            String name = lease;
            AtomicBoolean calling = asking;
            try {
                clock.start(pluginName, () -> { // no reference to the task: the thread keeps nothing of the plugin
                    try {
                        leases.release(pluginName, name);
                    } catch (Exception e) {
                        clock.leaseProblem("plugin '" + pluginName + "': task '" + name + "' could not give its"
                                + " lease up (" + leases + "), which lapses instead: " + e);
                    } finally {
                        calling.set(false);
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                calling.set(false);
                LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'': task ''{1}'' could not give its lease up,"
                        + " which lapses instead: {2}", pluginName, name, e.toString());
            }
        }

        @Override
        public void cancel() {
            end();
            ScheduledFuture<?> scheduled = timing;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            ScheduledFuture<?> again = retry;
            if (again != null) {
                again.cancel(false);
            }
        }

        private void end() {
            done = true;
            tasks.remove(this);
            timer.forget(onDue);
            if (lease != null) {
                release();
            }
        }

        @Override
        public boolean isDone() {
            return done;
        }
    }
}
