package io.pluginhost.runtime.internal;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread {@code initialize} and {@code cleanup} run on, so the engine can stop waiting at their
 * deadline: one engine-owned worker, reused from call to call (the engine makes these calls one at a
 * time, or one batch at a time, under its lifecycle lock), and abandoned to its fate when plugin code overruns a deadline;
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
 * <p>Why batches ({@link #callAll}): the wake-up is what a hand-off costs (3 µs right after the last
 * call, about 60 µs once the worker's CPU went idle on this VM), and a directory's plugins used to pay
 * it once each. A batch of their {@code initialize} calls pays it once: time to first use of 10 /
 * 100 / 1,000 plugins fell from 6.6 / 36 / 371 ms to 3.5 / 30 / 299 ({@code ScaleBenchmark}, A/B).
 * A batch stops at the first call that fails, so the engine rolls that plugin back before the next
 * plugin's code runs, as when each loads alone.
 *
 * <p>Thread-safe.
 */
public final class LifecycleThreads {

    private static final String IDLE_NAME = "pluginhost-lifecycle";
    private static final Field THREAD_LOCALS = accessible("threadLocals");
    private static final Field INHERITABLE_THREAD_LOCALS = accessible("inheritableThreadLocals");
    private static final boolean REUSABLE = THREAD_LOCALS != null && INHERITABLE_THREAD_LOCALS != null;
    private static final boolean SPIN = Runtime.getRuntime().availableProcessors() > 1;
    /** Whether the JVM was told once that workers cannot be reused here. */
    private static final AtomicBoolean TOLD_NOT_REUSABLE = new AtomicBoolean();
    /** How long a caller spins for the result before it parks. */
    private static final long SPIN_NANOS = 100_000;

    private final ClassLoader hostLoader;
    /** Whether calls run on the caller's thread, with no deadline ({@link #onCallersThread}). */
    private final boolean onCallersThread;
    /** The parked worker, if any; a worker is taken out while it runs a call. Guarded by {@code this}. */
    private Worker idle;
    /** Whether the engine closed: no worker is kept. Guarded by {@code this}. */
    private boolean closed;
    /** How many times a caller handed calls to a worker. */
    private final LongAdder handOffs = new LongAdder();

    /** @param hostLoader the context loader an idle worker has */
    public LifecycleThreads(ClassLoader hostLoader) {
        this(hostLoader, false);
        if (!REUSABLE && !TOLD_NOT_REUSABLE.getAndSet(true)) {
            System.getLogger(LifecycleThreads.class.getName()).log(System.Logger.Level.WARNING,
                    "java.lang is not open to the plugin host, so a lifecycle worker cannot clear what plugin code"
                    + " left in its thread locals: every initialize and cleanup gets a thread of its own (about"
                    + " 0.5 ms each, and no batches). Start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED,"
                    + " as WildFly's launcher does.");
        }
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
        Call call = new Call(name, contextLoader, code, deadline);
        callAll(new Call[] {call}, 0);
        if (call.outcome == Outcome.THREW) {
            throw call.takeFailure();
        }
        return call.outcome == Outcome.RETURNED;
    }

    /**
     * Runs calls of plugin code one after the other, in order, each within its own deadline, and
     * waits for them, until one throws or overruns its deadline: a batch. The worker runs the batch
     * on one hand-off, where a call each would wake it once per call. A call that overruns its
     * deadline is abandoned with its thread (renamed and interrupted, as by {@link #call}); one that
     * throws retires its thread. The caller deals with that call before it runs the rest, so plugin
     * code never runs beside another plugin's failed call. An {@linkplain Call#Call(String, ClassLoader,
     * Callable, Duration, boolean) inert} call the caller runs itself, unless it comes after one it handed over.
     *
     * @param calls the calls, each run at most once
     * @param from  the first to run
     * @return the index after the last call that ran: every call before it has an {@link
     *         Call#outcome()}, and only the last of them may have failed
     */
    public int callAll(Call[] calls, int from) {
        int next = from;
        while (next < calls.length) {
            next = onCallersThread || calls[next].inert ? runHere(calls[next], next) : handOver(calls, next);
            if (calls[next - 1].outcome != Outcome.RETURNED) {
                break;
            }
        }
        return next;
    }

    /** @return the index of the call after it */
    private static int runHere(Call call, int index) {
        long started = System.nanoTime();
        try {
            PluginCode.callWithContextLoader(call.contextLoader, call.code);
            call.outcome = Outcome.RETURNED;
        } catch (Throwable t) {
            call.failure = t;
            call.outcome = Outcome.THREW;
        }
        call.nanos = System.nanoTime() - started;
        call.code = null;
        return index + 1;
    }

    /**
     * Hands the calls from {@code first} on to a worker and waits until it returns, or until a call
     * overruns its deadline.
     *
     * @return the index of the first call the worker did not run
     */
    private int handOver(Call[] calls, int first) {
        Job job = new Job(calls, first, Thread.currentThread());
        Worker worker = take();
        handOffs.increment();
        worker.hand(job);
        if (SPIN) {
            long spinEnd = System.nanoTime() + Math.min(SPIN_NANOS, calls[first].deadlineNanos);
            while (job.state == Job.RUNNING && System.nanoTime() - spinEnd < 0) {
                Thread.onSpinWait();
            }
        }
        boolean interrupted = false;
        try {
            while (job.state == Job.RUNNING) {
                Job.Progress progress = job.progress;
                long left = progress.end - System.nanoTime();
                if (left <= 0) {
                    if (job.abandon(progress.index)) {
                        Call stuck = calls[progress.index];
                        stuck.outcome = Outcome.TIMED_OUT;
                        worker.thread.setName(stuck.name); // named for what it is stuck in, as the error says
                        worker.thread.interrupt(); // plugin code may ignore it; the worker is not reused
                        job.release(); // the stuck worker keeps its job: it must not keep the other calls
                        return progress.index + 1;
                    }
                    continue; // it finished that call just now
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
        int next = job.release();
        if (job.reusable) {
            give(worker);
        }
        return next;
    }

    /**
     * Starts the worker now if there is none, so that its start overlaps with work the caller does
     * before its first call (a directory's jars read and its plugins prepared): a thread start costs
     * 0.2 to 0.6 ms here, and a thread's first run is slower still. Measured for a new engine's first
     * use of 10 plugins, six forks each: medians 5.8 ms when the batch started the worker, 4.0 ms with
     * the worker started first.
     */
    public void startWorker() {
        if (onCallersThread) {
            return;
        }
        synchronized (this) {
            if (idle == null && !closed) {
                idle = new Worker();
            }
        }
    }

    /** @return how many times calls were handed to a worker: once per batch, unless a call in it failed */
    public long handOffs() {
        return handOffs.sum();
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

    /** How a call of plugin code ended. */
    public enum Outcome {
        /** Not run yet. */
        PENDING,
        /** It returned normally. */
        RETURNED,
        /** It threw; {@link Call#takeFailure()} hands over what. */
        THREW,
        /** It overran its deadline; its thread was interrupted and is left to finish on its own. */
        TIMED_OUT
    }

    /**
     * One call of plugin code for {@link #callAll}. The engine reads its outcome once the batch
     * returned; the lifecycle worker forgets its code once it ran.
     */
    public static final class Call {
        final String name;
        final ClassLoader contextLoader;
        final long deadlineNanos;
        /** Whether it runs on the caller's thread whatever the threads' mode. */
        final boolean inert;
        Callable<?> code;
        Throwable failure;
        Outcome outcome = Outcome.PENDING;
        /** How long it ran, once it returned or threw. */
        long nanos;

        /**
         * @param name          the name the thread gets if it overruns the deadline
         * @param contextLoader the plugin's loader, the thread's context loader while it runs the code
         * @param code          the plugin code
         * @param deadline      how long it may take, from when it starts (the first call of a batch:
         *                      from the hand-off)
         */
        public Call(String name, ClassLoader contextLoader, Callable<?> code, Duration deadline) {
            this(name, contextLoader, code, deadline, false);
        }

        /**
         * @param inert whether the code provably runs no plugin code but its own straight-line body and
         *              cannot block (the engine judged it from the class file): then the caller's
         *              thread runs it, with the plugin's context loader, as with deadlines switched
         *              off; a hand-off would cost more than the call, and there is nothing to stop
         *              waiting for
         */
        public Call(String name, ClassLoader contextLoader, Callable<?> code, Duration deadline, boolean inert) {
            this.name = name;
            this.contextLoader = contextLoader;
            this.code = code;
            this.deadlineNanos = deadline.toNanos();
            this.inert = inert;
        }

        /** @return how it ended; {@link Outcome#PENDING} until its batch returned */
        public Outcome outcome() {
            return outcome;
        }

        /** @return how long it ran, in nanoseconds, if it returned or threw */
        public long nanos() {
            return nanos;
        }

        /** @return what it threw, handed over once and forgotten, or {@code null} */
        public Throwable takeFailure() {
            Throwable thrown = failure;
            failure = null;
            return thrown;
        }
    }

    /**
     * Calls of a batch, from {@link #first} on, handed to one worker. The worker writes each call's
     * outcome and moves {@link #progress} on; the caller reads them once {@link #state} is no longer
     * {@link #RUNNING}, or gives up on the call in progress at its deadline ({@link #abandon}).
     */
    private static final class Job {
        static final int RUNNING = 0;
        static final int DONE = 1;
        static final int ABANDONED = 2;

        /** The call in progress and when its deadline passes: one object, so the caller reads both at once. */
        record Progress(int index, long end) {
        }

        final Thread caller;
        final int first;
        /** The batch; {@code null} once the caller took the outcomes, so a parked worker holds none of it. */
        private Call[] calls;
        /** The first call the worker did not run. Guarded by {@code this}. */
        private int next;
        /** Whether the worker came back clean and may be used again; written before {@link #state}. */
        boolean reusable;
        volatile Progress progress;
        volatile int state = RUNNING;

        Job(Call[] calls, int first, Thread caller) {
            this.calls = calls;
            this.first = first;
            this.next = first;
            this.caller = caller;
            // The first call's deadline runs from the hand-off.
            this.progress = new Progress(first, System.nanoTime() + calls[first].deadlineNanos);
        }

        /** @return the call at {@code index}, or {@code null} past the end or once the caller gave up */
        synchronized Call start(int index) {
            if (state != RUNNING || index >= calls.length) {
                return null;
            }
            Call call = calls[index];
            if (index > first) {
                long end = System.nanoTime() + call.deadlineNanos;
                boolean sooner = end - progress.end < 0;
                progress = new Progress(index, end);
                if (sooner) {
                    LockSupport.unpark(caller); // it sleeps until the previous call's deadline
                }
            }
            return call;
        }

        /**
         * Records how a call ended.
         *
         * @return whether the caller still waits for it
         */
        synchronized boolean ended(Call call, Throwable thrown) {
            call.code = null;
            if (state != RUNNING) {
                return false; // abandoned: the caller already reported this call's timeout
            }
            call.failure = thrown;
            call.outcome = thrown == null ? Outcome.RETURNED : Outcome.THREW;
            next++;
            return true;
        }

        /** Ends the job and wakes the caller. */
        void finish(boolean clean) {
            synchronized (this) {
                if (state != RUNNING) {
                    return;
                }
                reusable = clean;
                state = DONE;
            }
            LockSupport.unpark(caller);
        }

        /** @return whether the caller gave up on call {@code index}, still in progress */
        synchronized boolean abandon(int index) {
            if (state != RUNNING || progress.index() != index || next > index) {
                return false;
            }
            state = ABANDONED;
            return true;
        }

        /** @return the first call not run; the job forgets the batch */
        synchronized int release() {
            calls = null;
            return next;
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
                if (!runAll(job)) {
                    return;
                }
            }
        }

        /** @return whether this thread came back clean and stays in service */
        private boolean runAll(Job job) {
            for (int index = job.first; ; index++) {
                Call call = job.start(index);
                if (call == null) {
                    job.finish(true);
                    return job.state == Job.DONE;
                }
                Throwable thrown = runOne(call);
                // A call that threw retires the thread: measured, a reused thread on which plugin code had
                // thrown sometimes kept the plugin's loader alive after unload with no path in a heap dump
                // (ClassLoaderLeakTest after the concurrency tests, about 1 run in 3); a thread that ends
                // takes whatever the JVM keeps for it along. The caller runs the rest on a new worker.
                boolean clean = reset() && thrown == null;
                if (!job.ended(call, thrown)) {
                    return false; // abandoned at its deadline: the engine already started another worker
                }
                if (!clean) {
                    job.finish(false);
                    return false;
                }
            }
        }

        private Throwable runOne(Call call) {
            thread.setContextClassLoader(call.contextLoader);
            long started = System.nanoTime();
            try {
                call.code.call();
                return null;
            } catch (Throwable t) {
                return t;
            } finally {
                call.nanos = System.nanoTime() - started; // published to the caller by ended()
            }
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
