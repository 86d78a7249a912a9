package io.pluginhost.benchmarks;

import io.pluginhost.runtime.internal.LifecycleThreads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a lifecycle deadline costs a call: one {@code initialize}-sized call (plugin code that does
 * nothing) handed to the engine's lifecycle worker and waited for, after the calling thread has
 * worked {@code gapMicros} on its own (as a load does between two plugins' {@code initialize}). The
 * gap is spent in the invocation's setup, outside the measurement. {@code callersThread} is the same
 * call with deadlines off; {@code bareThreads} is the least a hand-off can cost in the JDK: a plain
 * parked thread woken with {@link LockSupport#unpark} that runs nothing and wakes the caller back,
 * which spins as long as the engine's caller does before it parks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g", "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class HandOffBenchmark {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Callable<Object> NOTHING = () -> null;

    /** How long the caller works between two calls, in µs. */
    @Param({"0", "100", "400"})
    public int gapMicros;

    private LifecycleThreads worker;
    private LifecycleThreads callersThread;
    private BareWorker bare;
    private ClassLoader loader;

    @Setup(Level.Trial)
    public void start() {
        loader = HandOffBenchmark.class.getClassLoader();
        worker = new LifecycleThreads(loader);
        callersThread = LifecycleThreads.onCallersThread();
        bare = new BareWorker();
    }

    @TearDown(Level.Trial)
    public void stop() {
        worker.close();
        bare.stop();
    }

    /** The caller's own work before the call: busy, as a load is, not asleep. */
    @Setup(Level.Invocation)
    public void work() {
        long end = System.nanoTime() + gapMicros * 1_000L;
        while (System.nanoTime() - end < 0) {
            // busy on its CPU, as a loading thread is
        }
    }

    @Benchmark
    public boolean worker() throws Throwable {
        return worker.call("plugin-initialize-bench", loader, NOTHING, DEADLINE);
    }

    @Benchmark
    public boolean callersThread() throws Throwable {
        return callersThread.call("plugin-initialize-bench", loader, NOTHING, DEADLINE);
    }

    @Benchmark
    public void bareThreads() {
        bare.roundTrip();
    }

    /** A parked daemon thread that answers each request at once: the JDK's floor for a hand-off. */
    private static final class BareWorker implements Runnable {
        /** How long the caller spins before it parks, as {@link LifecycleThreads} does. */
        private static final long SPIN_NANOS = 100_000;

        private final Thread thread = new Thread(this, "bare-hand-off");
        private volatile Thread caller;
        private volatile int requested;
        private volatile int answered;
        private volatile boolean stopped;

        BareWorker() {
            thread.setDaemon(true);
            thread.start();
        }

        void roundTrip() {
            caller = Thread.currentThread();
            int request = requested + 1;
            requested = request;
            LockSupport.unpark(thread);
            long spinEnd = System.nanoTime() + SPIN_NANOS;
            while (answered != request && System.nanoTime() - spinEnd < 0) {
                Thread.onSpinWait();
            }
            while (answered != request) {
                LockSupport.park(this);
            }
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            int done = 0;
            while (!stopped) {
                int request = requested;
                if (request == done) {
                    LockSupport.park(this);
                    continue;
                }
                done = request;
                answered = request;
                LockSupport.unpark(caller);
            }
        }
    }
}
