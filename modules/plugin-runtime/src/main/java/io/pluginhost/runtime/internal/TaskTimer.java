package io.pluginhost.runtime.internal;

import io.pluginhost.runtime.BackgroundWork;
import io.pluginhost.runtime.TaskLeases;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The engine's clock for the plugins' scheduled tasks: one thread that only says when a task is due
 * and starts a thread for the run, so that no plugin's run can hold up another's time. Started by the
 * first task and ended after a minute with none due, so an engine whose plugins schedule nothing has
 * no thread for it; a cancelled task leaves its queue at once, so nothing of an unloaded plugin stays.
 *
 * <p>Every thread here is made with the host's loader as context loader and without the inheritable
 * thread locals of the thread that made it: the first schedule comes from a plugin's thread, whose
 * context loader and inheritable values would otherwise stay on the timer for good.
 *
 * <p>While the engine is suspended ({@link #suspend}), a task that comes due is held ({@link #hold})
 * instead of run, once however many times it came due; {@link #resume} runs each held task's due once.
 *
 * <p>It also keeps what tasks on one node of a cluster need: the store of their leases, and what gives up each
 * lease this node holds, which a suspend does so that another node takes those tasks meanwhile; and the
 * container's count of background work in progress ({@link BackgroundWork}: runs, and the Kafka consumers'
 * hand-overs through {@link #beginWork}), which its suspend waits for.
 */
public final class TaskTimer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TaskTimer.class.getName());

    private final ClassLoader hostLoader;
    private final ScheduledThreadPoolExecutor clock;
    private final AtomicInteger runs = new AtomicInteger();
    /** The dues of the tasks that came due while suspended, to run at the resume. */
    private final Set<Runnable> held = ConcurrentHashMap.newKeySet();
    /** What gives up each lease this node holds; see {@link #holding}. */
    private final Set<Runnable> leasesHeld = ConcurrentHashMap.newKeySet();
    private final TaskLeases leases;
    private final BackgroundWork work;
    private final Consumer<String> leaseProblems;
    private volatile boolean suspended;
    /** Whether the container's count failed once, and was said so. */
    private final AtomicBoolean countFailed = new AtomicBoolean();

    /**
     * @param hostLoader    the context loader of the timer's threads
     * @param leases        where the leases of tasks on one node are kept
     * @param work          the container's count of background work in progress (runs, Kafka hand-overs)
     * @param leaseProblems where a lease that could not be asked for is reported, in one line naming the plugin
     */
    public TaskTimer(ClassLoader hostLoader, TaskLeases leases, BackgroundWork work, Consumer<String> leaseProblems) {
        this.hostLoader = hostLoader;
        this.leases = leases;
        this.work = work;
        this.leaseProblems = leaseProblems;
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

    /**
     * Starts {@code run} on a thread of its own, made as a run's is, which ends with it.
     *
     * @param name the thread's name
     * @param run  what it runs
     */
    public void startThread(String name, Runnable run) {
        threads(name).newThread(run).start();
    }

    private ThreadFactory threads(String name) {
        return runnable -> {
            Thread thread = new Thread(null, runnable, name, 0, false);
            thread.setDaemon(true);
            thread.setContextClassLoader(hostLoader);
            return thread;
        };
    }

    /** @return whether it is suspended */
    public boolean isSuspended() {
        return suspended;
    }

    /**
     * Holds the tasks that come due from now on, until {@link #resume}; runs in progress go on.
     *
     * @return whether it was running
     */
    public boolean suspend() {
        boolean was = suspended;
        suspended = true;
        if (!was) {
            List.copyOf(leasesHeld).forEach(Runnable::run);
        }
        return !was;
    }

    /**
     * Ends a suspend and runs the due of each task that came due during it, once.
     *
     * @return how many tasks were held
     */
    public int resume() {
        suspended = false;
        int ran = 0;
        for (Runnable due : List.copyOf(held)) {
            if (held.remove(due)) { // not taken by the due itself, having seen the resume (see hold)
                due.run();
                ran++;
            }
        }
        return ran;
    }

    /**
     * Called by a task's due first of all: holds it if the timer is suspended.
     *
     * @param due the task's due, the one it was scheduled with (it is kept until the resume or until
     *            {@link #forget})
     * @return whether it was held; if not, the due goes on and starts the run
     */
    public boolean hold(Runnable due) {
        if (!suspended) {
            return false;
        }
        held.add(due);
        if (suspended) {
            return true;
        }
        // Resumed in between: whoever takes it out of the set runs it, this due or the resume, not both.
        return !held.remove(due);
    }

    /** @param due a task's due, cancelled: it is not run at the resume, nor kept until then */
    public void forget(Runnable due) {
        held.remove(due);
    }

    /**
     * Counts work about to start as the container's background work: a task's run (asked by its due on the
     * timer's thread, before the run's thread starts) or a repository's hand-over to the plugin.
     *
     * <p>A count that fails (rather than refuses) lets the work go on uncounted, said once: a task's due that
     * threw would end the task for good (the JDK's timer drops a periodic task whose step threw).
     *
     * @return the work's place in the count, to close when it ends; empty if the container refuses work now
     */
    public Optional<BackgroundWork.Counted> beginWork() {
        try {
            return work.begin();
        } catch (RuntimeException | OutOfMemoryError e) {
            if (countFailed.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "the container's count of the plugins' background work failed"
                        + " ({0}): their work goes on uncounted, and a suspend does not wait for it", e.toString());
            }
            return Optional.of(BackgroundWork.Counted.NOTHING);
        }
    }

    /** @return where the leases of tasks on one node are kept */
    public TaskLeases leases() {
        return leases;
    }

    /** @param line why a lease could not be asked for, naming the plugin and the task */
    public void leaseProblem(String line) {
        leaseProblems.accept(line);
    }

    /**
     * @param release what gives up a lease this node now holds (starting a thread for it), run at the next
     *                suspend; kept until {@link #released}
     */
    public void holding(Runnable release) {
        leasesHeld.add(release);
    }

    /** @param release what gave up a lease, or will: not run at a suspend */
    public void released(Runnable release) {
        leasesHeld.remove(release);
    }

    /** Cancels every task; runs in progress finish. */
    @Override
    public void close() {
        clock.shutdownNow();
        held.clear();
        leasesHeld.clear();
    }
}
