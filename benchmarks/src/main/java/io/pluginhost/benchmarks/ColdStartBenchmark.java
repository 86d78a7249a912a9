package io.pluginhost.benchmarks;

import io.pluginhost.runtime.ModuleLayerPluginManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Time to first use of N distinct plugins in a JVM that has loaded none before, as a server's boot
 * loads its plugins: the same operation as {@link ScaleBenchmark}'s first use, but one shot per fresh
 * JVM and no warm-up, so the engine's and PF4J's code runs mostly interpreted. Ten forks per case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 10, jvmArgs = {"-Xmx2g", "-Djava.util.logging.config.file=/dev/null",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class ColdStartBenchmark {

    @Benchmark
    public Object pluginhostFirstUse(PluginDirectories dirs) {
        return ScalePlugins.firstUse(dirs.ours, dirs.plugins);
    }

    /** As {@link #pluginhostFirstUse}, with initialize on the caller's thread and no deadline. */
    @Benchmark
    public Object pluginhostNoDeadlinesFirstUse(PluginDirectories dirs) {
        return ScalePlugins.firstUse(ScalePlugins.engineWithoutDeadlines(), dirs.ours, dirs.plugins);
    }

    @Benchmark
    public Object pf4jFirstUse(PluginDirectories dirs) {
        return ScalePlugins.pf4jFirstUse(dirs.theirs, dirs.plugins);
    }
}
