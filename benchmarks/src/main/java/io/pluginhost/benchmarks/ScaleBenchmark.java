package io.pluginhost.benchmarks;

import io.pluginhost.runtime.EngineLimits;
import io.pluginhost.runtime.HostServices;
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

import java.util.concurrent.TimeUnit;

/**
 * What users do with many plugins, against PF4J 3.13.0 with equally small plugins
 * ({@link ScalePlugins}), for N = 10, 100 and 1,000 distinct plugins:
 * <ul>
 *   <li>{@code *FirstUse}: time to first use, from a new host to every plugin loaded, started and
 *       holding one event (ours: {@code loadDirectory} + one {@code publish}; PF4J: {@code loadPlugins}
 *       + {@code startPlugins} + the event handed to each);</li>
 *   <li>{@code *UnloadAll}: unloading all of them.</li>
 * </ul>
 * Single shots (each is a whole operation over N plugins), 2 forks, after 20 warm-up shots (with 5,
 * times for N = 10 still fell shot after shot).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 10)
@Fork(value = 2, jvmArgs = {"-Xmx2g", "-Djava.util.logging.config.file=/dev/null",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class ScaleBenchmark {

    private ModuleLayerPluginManager manager;
    private PluginManager pf4j;

    /** State for the unload benchmarks: every plugin loaded before each shot. */
    @State(Scope.Benchmark)
    public static class Loaded {
        ModuleLayerPluginManager manager;
        PluginManager pf4j;

        @Setup(Level.Invocation)
        public void load(PluginDirectories dirs) {
            manager = ScalePlugins.firstUse(dirs.ours, dirs.plugins);
            pf4j = ScalePlugins.pf4jFirstUse(dirs.theirs, dirs.plugins);
        }

        @TearDown(Level.Invocation)
        public void close() {
            manager.close();
            pf4j.unloadPlugins();
        }
    }

    @TearDown(Level.Invocation)
    public void unload() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
        if (pf4j != null) {
            pf4j.unloadPlugins();
            pf4j = null;
        }
    }

    @Benchmark
    public Object pluginhostFirstUse(PluginDirectories dirs) {
        manager = ScalePlugins.firstUse(dirs.ours, dirs.plugins);
        return manager;
    }

    /** As {@link #pluginhostFirstUse}, with initialize on the caller's thread and no deadline, as PF4J runs it. */
    @Benchmark
    public Object pluginhostNoDeadlinesFirstUse(PluginDirectories dirs) {
        manager = ScalePlugins.firstUse(new ModuleLayerPluginManager(HostServices.NONE,
                EngineLimits.defaults().withoutLifecycleDeadlines()), dirs.ours, dirs.plugins);
        return manager;
    }

    @Benchmark
    public Object pf4jFirstUse(PluginDirectories dirs) {
        pf4j = ScalePlugins.pf4jFirstUse(dirs.theirs, dirs.plugins);
        return pf4j;
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
