package io.pluginhost.benchmarks;

import io.pluginhost.runtime.ModuleLayerPluginManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event delivered to N plugins, one listener each ({@link ScalePlugins}), N = 10, 100, 1,000:
 * divide the score by N for the cost per listener. Ours goes through the hub's cached route, each
 * plugin's call gate, call depth and context-loader switch; the PF4J baseline is what a PF4J host
 * writes: a loop over the started plugins' cached instances.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx2g", "-Djava.util.logging.config.file=/dev/null",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class DeliveryScalingBenchmark {

    private ModuleLayerPluginManager manager;
    private PluginManager pf4j;
    private Consumer<Object>[] pf4jListeners;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp(PluginDirectories dirs) {
        manager = ScalePlugins.firstUse(dirs.ours, dirs.plugins);
        pf4j = ScalePlugins.pf4jFirstUse(dirs.theirs, dirs.plugins);
        List<PluginWrapper> started = pf4j.getStartedPlugins();
        pf4jListeners = started.stream().map(p -> (Consumer<Object>) p.getPlugin()).toArray(Consumer[]::new);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        pf4j.unloadPlugins();
    }

    @Benchmark
    public int pluginhostPublish() {
        return manager.publish(ScalePlugins.EVENT, null);
    }

    @Benchmark
    public int pf4jLoop() {
        for (Consumer<Object> listener : pf4jListeners) {
            listener.accept(ScalePlugins.EVENT);
        }
        return pf4jListeners.length;
    }
}
