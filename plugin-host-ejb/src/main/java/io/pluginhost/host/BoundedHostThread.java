package io.pluginhost.host;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One host thread, started with the host (never later, inside a plugin's call), that runs tasks in the
 * order they are given. Its backlog is bounded twice: a task given while {@code capacity} others wait,
 * or whose payload would take the waiting payloads past {@code maxChars} characters, is dropped, never
 * blocking the caller. So a plugin that emits faster than the host can pass events on, or a broker
 * that hangs, costs a bounded amount of memory, however large the events. One payload larger than
 * {@code maxChars} still passes when nothing waits. A flood costs two lines of log, not one
 * per event: a warning at its first drop, and the count once the thread has caught up.
 */
final class BoundedHostThread implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BoundedHostThread.class.getName());

    private final String work;
    private final int capacity;
    private final long maxChars;
    private final AtomicLong waitingChars = new AtomicLong();
    private final ThreadPoolExecutor worker;
    /** Dropped since the last report; the first drop of a flood is the one that finds it at zero. */
    private final AtomicLong droppedUnreported = new AtomicLong();

    /**
     * @param work     what the thread does, for the log ("passing plugin events on to CDI observers")
     * @param capacity how many tasks may wait
     * @param maxChars how many characters of payload the waiting tasks may hold
     */
    BoundedHostThread(String work, int capacity, long maxChars, ThreadFactory threads) {
        this.work = work;
        this.capacity = capacity;
        this.maxChars = maxChars;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                threads); // the default policy throws when full; execute drops the task
        this.worker.prestartAllCoreThreads();
    }

    /** Runs a task with no payload of its own to count; see {@link #execute(Runnable, long)}. */
    void execute(Runnable task) {
        execute(task, 0);
    }

    /**
     * Runs the task after those given before it, or drops it if {@code capacity} are waiting or its
     * payload would take the waiting ones past {@code maxChars}.
     *
     * @param chars the size of the payload the task holds until it runs
     */
    void execute(Runnable task, long chars) {
        long waiting = waitingChars.get();
        if (waiting > 0 && waiting + chars > maxChars) {
            dropped();
            return;
        }
        waitingChars.addAndGet(chars);
        try {
            worker.execute(() -> run(task, chars));
        } catch (RejectedExecutionException full) {
            waitingChars.addAndGet(-chars);
            dropped();
        }
    }

    private void run(Runnable task, long chars) {
        waitingChars.addAndGet(-chars);
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the host thread " + work + " had a task fail", e);
        } finally {
            if (worker.getQueue().isEmpty()) {
                reportDrops();
            }
        }
    }

    private void dropped() {
        if (worker.isShutdown()) {
            LOG.fine(() -> "the host is stopping; a task " + work + " was not run");
        } else if (droppedUnreported.getAndIncrement() == 0) {
            LOG.warning("the host is more than " + capacity + " events or " + maxChars + " characters of events"
                    + " behind " + work + "; events are dropped until it catches up");
        }
    }

    private void reportDrops() {
        long dropped = droppedUnreported.getAndSet(0);
        if (dropped > 0) {
            LOG.warning("the host caught up " + work + "; " + dropped + " event(s) were dropped");
        }
    }

    /**
     * Gives the thread up without waiting for it: it is interrupted and, should the task it runs ever
     * return, ends. The tasks still waiting are handed back, for another thread to run in order.
     *
     * @return the tasks that had not started
     */
    List<Runnable> abandon() {
        List<Runnable> waiting = worker.shutdownNow();
        waitingChars.set(0);
        return waiting;
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reportDrops();
    }
}
