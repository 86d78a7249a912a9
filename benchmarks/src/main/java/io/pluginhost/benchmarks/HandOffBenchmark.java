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

/**
 * What a lifecycle deadline costs a call: one {@code initialize}-sized call (plugin code that does
 * nothing) handed to the engine's lifecycle worker and waited for, after the calling thread has
 * worked {@code gapMicros} on its own (as a load does between two plugins' {@code initialize}). The
 * gap is spent in the invocation's setup, outside the measurement. {@code callersThread} is the same
 * call with deadlines off.
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
    private ClassLoader loader;

    @Setup(Level.Trial)
    public void start() {
        loader = HandOffBenchmark.class.getClassLoader();
        worker = new LifecycleThreads(loader);
        callersThread = LifecycleThreads.onCallersThread();
    }

    @TearDown(Level.Trial)
    public void stop() {
        worker.close();
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
}
