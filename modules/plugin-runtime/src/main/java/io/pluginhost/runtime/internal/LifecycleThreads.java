package io.pluginhost.runtime.internal;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread {@code initialize} and {@code cleanup} run on, so the engine can stop waiting at their
 * deadline: one engine-owned worker, reused from call to call (the engine makes these calls one at a
 * time, under its lifecycle lock), and abandoned to its fate when plugin code overruns a deadline;
 * the next call gets a new worker.
 *
 * <p>Why one reused thread and not a thread per call: a thread start costs 0.2 to 0.6 ms on a 2-core
 * machine and a fresh thread runs the call slower still; a hand-off to a parked worker costs a
 * fraction of that. Why not an executor: a pooled thread keeps whatever the task left on it. This
 * worker leaves nothing of a plugin behind once a call returns: the code reference is dropped before
 * the caller is woken, the failure is handed over and forgotten, and the thread's context loader,
 * name, uncaught-exception handler, interrupt flag and thread locals (a plugin's own
 * {@code ThreadLocal} pins its loader) are reset. Resetting thread locals needs {@code java.lang}
 * open to the host ({@code --add-opens java.base/java.lang=ALL-UNNAMED}, as WildFly's launcher and
 * the engine's tests set); where it is closed, the worker retires after every call, which is a thread
 * per call again. A call that threw retires the worker too (see {@code runOne}).
 *
 * <p>Why the caller spins: a hand-off that parks on both sides costs two thread wake-ups, 50 to 100 µs
 * each on a 2-core VM, more than a small plugin's {@code initialize} itself. So the caller spins up to
 * 100 µs for the result before it parks, which saves the second wake-up (a load and unload of a small
 * plugin: 359 to about 220 µs), and not on a single-CPU machine, where spinning only delays the worker.
 * The worker does not spin for its next call: measured, a worker spinning 1 ms after each call took a
 * core from the loading thread and the JIT, and ten plugins took 9.6 ms to first use instead of 7.2.
 *
 * <p>Thread-safe.
 */
public final class LifecycleThreads {

    private static final String IDLE_NAME = "pluginhost-lifecycle";
    private static final Field THREAD_LOCALS = accessible("threadLocals");
    private static final Field INHERITABLE_THREAD_LOCALS = accessible("inheritableThreadLocals");
    private static final boolean REUSABLE = THREAD_LOCALS != null && INHERITABLE_THREAD_LOCALS != null;
    private static final boolean SPIN = Runtime.getRuntime().availableProcessors() > 1;
    /** How long a caller spins for the result before it parks. */
    private static final long SPIN_NANOS = 100_000;

    private final ClassLoader hostLoader;
    /** Whether calls run on the caller's thread, with no deadline ({@link #onCallersThread}). */
    private final boolean onCallersThread;
    /** The parked worker, if any; a worker is taken out while it runs a call. Guarded by {@code this}. */
    private Worker idle;
    /** Whether the engine closed: no worker is kept. Guarded by {@code this}. */
    private boolean closed;

    /** @param hostLoader the context loader an idle worker has */
    public LifecycleThreads(ClassLoader hostLoader) {
        this(hostLoader, false);
    }

    private LifecycleThreads(ClassLoader hostLoader, boolean onCallersThread) {
        this.hostLoader = hostLoader;
        this.onCallersThread = onCallersThread;
    }

    /**
     * @return lifecycle "threads" that run every call on the caller's thread, with the plugin's loader
     *         as context loader and no deadline (deadlines switched off by the operator)
     */
    public static LifecycleThreads onCallersThread() {
        return new LifecycleThreads(null, true);
    }

    /**
     * Runs plugin code on a lifecycle thread and waits for it, at most until the deadline.
     *
     * @param name          the name the thread gets if it overruns the deadline, e.g.
     *                      {@code plugin-initialize-orders} (renaming it for every call costs two system calls)
     * @param contextLoader the plugin's loader, the thread's context loader while it runs the code
     * @param code          the plugin code
     * @param deadline      how long to wait
     * @return {@code true} if the code returned normally; {@code false} if the deadline passed: the
     *         thread was interrupted and is left to finish on its own, never reused
     * @throws Throwable whatever the code threw
     */
    public boolean call(String name, ClassLoader contextLoader, Callable<?> code, Duration deadline)
            throws Throwable {
        if (onCallersThread) {
            PluginCode.callWithContextLoader(contextLoader, code);
            return true;
        }
        Job job = new Job(contextLoader, code, Thread.currentThread());
        Worker worker = take();
        worker.hand(job);
        long end = System.nanoTime() + deadline.toNanos();
        if (SPIN) {
            long spinEnd = System.nanoTime() + Math.min(SPIN_NANOS, deadline.toNanos());
            while (job.state == Job.RUNNING && System.nanoTime() - spinEnd < 0) {
                Thread.onSpinWait();
            }
        }
        boolean interrupted = false;
        try {
            while (job.state == Job.RUNNING) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    if (job.abandon()) {
                        worker.thread.setName(name); // named for what it is stuck in, as the error says
                        worker.thread.interrupt(); // plugin code may ignore it; the worker is not reused
                        return false;
                    }
                    break; // it finished just now
                }
                LockSupport.parkNanos(job, left);
                // The plugin is half initialized or half cleaned: an interrupted caller still waits for
                // it, up to the deadline, and keeps its interrupt.
                interrupted |= Thread.interrupted();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable failure = job.takeFailure();
        if (job.reusable) {
            give(worker);
        }
        if (failure != null) {
            throw failure;
        }
        return true;
    }

    /** Retires the idle worker; later calls each get a thread of their own. */
    public void close() {
        Worker worker;
        synchronized (this) {
            closed = true;
            worker = idle;
            idle = null;
        }
        if (worker != null) {
            worker.retire();
        }
    }

    private synchronized Worker take() {
        Worker worker = idle;
        idle = null;
        return worker != null ? worker : new Worker();
    }

    private void give(Worker worker) {
        Worker surplus;
        synchronized (this) {
            if (closed) {
                surplus = worker;
            } else {
                surplus = idle;
                idle = worker;
            }
        }
        if (surplus != null) {
            surplus.retire(); // two callers overlapped, or the engine closed
        }
    }

    /** One call of plugin code, handed to a worker. */
    private static final class Job {
        static final int RUNNING = 0;
        static final int DONE = 1;
        static final int ABANDONED = 2;

        final ClassLoader contextLoader;
        final Thread caller;
        Callable<?> code;
        Throwable failure;
        /** Whether the worker came back clean and may be used again; written before {@link #state}. */
        boolean reusable;
        volatile int state = RUNNING;

        Job(ClassLoader contextLoader, Callable<?> code, Thread caller) {
            this.contextLoader = contextLoader;
            this.code = code;
            this.caller = caller;
        }

        /** @return whether the caller gave up before the code returned */
        synchronized boolean abandon() {
            if (state != RUNNING) {
                return false;
            }
            state = ABANDONED;
            return true;
        }

        /** @return whether the caller still waited */
        synchronized boolean finish(Throwable thrown, boolean clean) {
            code = null;
            if (state != RUNNING) {
                return false;
            }
            failure = thrown;
            reusable = clean;
            state = DONE;
            return true;
        }

        /** Hands the failure over and forgets it: the worker still holds this job while it waits. */
        synchronized Throwable takeFailure() {
            Throwable thrown = failure;
            failure = null;
            return thrown;
        }
    }

    /** A daemon thread that runs one job at a time and parks in between, holding nothing of a plugin. */
    private final class Worker implements Runnable {
        final Thread thread;
        private volatile Job next;
        private volatile boolean retired;

        Worker() {
            thread = new Thread(this, IDLE_NAME);
            thread.setDaemon(true);
            thread.setContextClassLoader(hostLoader);
            thread.start();
        }

        void hand(Job job) {
            next = job;
            LockSupport.unpark(thread);
        }

        void retire() {
            retired = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            while (!retired) {
                Job job = next;
                if (job == null) {
                    LockSupport.park(this);
                    continue;
                }
                next = null;
                if (!runOne(job)) {
                    return;
                }
            }
        }

        /** @return whether this thread came back clean and stays in service */
        private boolean runOne(Job job) {
            thread.setContextClassLoader(job.contextLoader);
            Throwable thrown = null;
            try {
                job.code.call();
            } catch (Throwable t) {
                thrown = t;
            }
            // A call that threw retires the thread: measured, a reused thread on which plugin code had
            // thrown sometimes kept the plugin's loader alive after unload with no path in a heap dump
            // (ClassLoaderLeakTest after the concurrency tests, about 1 run in 3); a thread that ends
            // takes whatever the JVM keeps for it along.
            boolean clean = reset() && thrown == null;
            if (job.finish(thrown, clean)) {
                LockSupport.unpark(job.caller);
                return clean;
            }
            return false; // abandoned at its deadline: the engine already started another worker
        }

        /** @return whether everything plugin code may have left on this thread was cleared */
        private boolean reset() {
            if (!REUSABLE) {
                return false;
            }
            Thread.interrupted();
            if (!IDLE_NAME.equals(thread.getName())) {
                thread.setName(IDLE_NAME); // plugin code renamed it
            }
            thread.setContextClassLoader(hostLoader);
            thread.setUncaughtExceptionHandler(null);
            try {
                THREAD_LOCALS.set(thread, null);
                INHERITABLE_THREAD_LOCALS.set(thread, null);
                return true;
            } catch (IllegalAccessException | RuntimeException e) {
                return false;
            }
        }
    }

    /** @return the field of {@link Thread} made accessible, or {@code null} where this JDK keeps it closed */
    private static Field accessible(String name) {
        try {
            Field field = Thread.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null;
        }
    }
}
