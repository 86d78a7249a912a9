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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.pf4j.PluginManager;

import java.util.concurrent.TimeUnit;

/**
 * What users do with many plugins, against PF4J 3.13.0 with equally small plugins
 * ({@link ScalePlugins}), for N = 10, 100 and 1,000 distinct plugins:
 * <ul>
 *   <li>{@code *FirstUse}: time to first use, from a new host to every plugin loaded, started and
 *       holding one event (ours: {@code loadDirectory} + one {@code publish}; PF4J: {@code loadPlugins}
 *       + {@code startPlugins} + the event handed to each);</li>
 *   <li>{@code *FirstUseShared}: the same for one shared plugin and N - 1 that depend on it;</li>
 *   <li>{@code *UnloadAll}: unloading all of them.</li>
 * </ul>
 * Single shots (each is a whole operation over N plugins), 2 forks. Each fork first warms the host
 * it measures with {@value #WARM_UP_LOADS} plugin loads whatever N ({@link #warmUp}), then 20
 * warm-up shots: counted in shots alone, N = 10 got 200 loads before measurement, and both hosts'
 * times for N = 10 kept falling until about 10,000 loads (to half of what they were at 2,000).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 50)
@Fork(value = 2, jvmArgs = {"-Xmx2g", "-Djava.util.logging.config.file=/dev/null",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class ScaleBenchmark {

    /** How many plugin loads (first uses of the directory, then closed) warm a fork up. */
    static final int WARM_UP_LOADS = 20_000;

    /** What the first-use shot made, closed after it. */
    private final Hosts made = new Hosts();

    /** One host of each kind, either or both absent; {@link #close} closes what is there. */
    static class Hosts {
        ModuleLayerPluginManager manager;
        PluginManager pf4j;

        void close() {
            if (manager != null) {
                manager.close();
                manager = null;
            }
            if (pf4j != null) {
                pf4j.unloadPlugins();
                pf4j = null;
            }
        }
    }

    /** State for the unload benchmarks: every plugin loaded into the host measured before each shot. */
    @State(Scope.Benchmark)
    public static class Loaded extends Hosts {

        @Setup(Level.Invocation)
        public void load(PluginDirectories dirs, BenchmarkParams params) {
            if (params.getBenchmark().contains(".pf4j")) {
                pf4j = ScalePlugins.pf4jFirstUse(dirs.theirs, dirs.plugins);
            } else {
                manager = ScalePlugins.firstUse(dirs.ours, dirs.plugins);
            }
        }

        @TearDown(Level.Invocation)
        public void unload() {
            close();
        }
    }

    /** Warms up the host this fork measures, ours with or without deadlines or PF4J, as it is measured. */
    @Setup(Level.Trial)
    public void warmUp(PluginDirectories dirs, BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        for (int loaded = 0; loaded < WARM_UP_LOADS; loaded += dirs.plugins) {
            if (benchmark.contains(".pf4j")) {
                ScalePlugins.pf4jFirstUse(dirs.theirs, dirs.plugins).unloadPlugins();
            } else if (benchmark.contains("NoDeadlines")) {
                ScalePlugins.firstUse(ScalePlugins.engineWithoutDeadlines(), dirs.ours, dirs.plugins).close();
            } else {
                ScalePlugins.firstUse(dirs.ours, dirs.plugins).close();
            }
        }
    }

    @TearDown(Level.Invocation)
    public void unload() {
        made.close();
    }

    @Benchmark
    public Object pluginhostFirstUse(PluginDirectories dirs) {
        made.manager = ScalePlugins.firstUse(dirs.ours, dirs.plugins);
        return made.manager;
    }

    /** As {@link #pluginhostFirstUse}, with initialize on the caller's thread and no deadline, as PF4J runs it. */
    @Benchmark
    public Object pluginhostNoDeadlinesFirstUse(PluginDirectories dirs) {
        made.manager = ScalePlugins.firstUse(ScalePlugins.engineWithoutDeadlines(), dirs.ours, dirs.plugins);
        return made.manager;
    }

    @Benchmark
    public Object pf4jFirstUse(PluginDirectories dirs) {
        made.pf4j = ScalePlugins.pf4jFirstUse(dirs.theirs, dirs.plugins);
        return made.pf4j;
    }

    /** As {@link #pluginhostFirstUse} for one shared plugin and N - 1 that declare it as a dependency. */
    @Benchmark
    public Object pluginhostFirstUseShared(PluginDirectories dirs) {
        return pluginhostFirstUse(dirs);
    }

    /** As {@link #pf4jFirstUse} for one shared plugin and N - 1 whose manifest names it as a dependency. */
    @Benchmark
    public Object pf4jFirstUseShared(PluginDirectories dirs) {
        return pf4jFirstUse(dirs);
    }

    @Benchmark
    public Object pluginhostUnloadAll(PluginDirectories dirs, Loaded loaded) {
        return loaded.manager.unloadAll();
    }

    @Benchmark
    public Object pf4jUnloadAll(PluginDirectories dirs, Loaded loaded) {
        loaded.pf4j.unloadPlugins();
        return loaded.pf4j;
    }
}
