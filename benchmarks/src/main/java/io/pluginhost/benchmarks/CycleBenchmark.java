package io.pluginhost.benchmarks;

import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.layer.ApiLayer;
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
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One plugin's whole life, load + one call + unload, against PF4J 3.13.0 with an equally small
 * plugin ({@link ScalePlugins}):
 * <ul>
 *   <li>{@code *SameJar}: the same jar every time (ours reuses what it read of an unchanged jar;
 *       PF4J reads it again);</li>
 *   <li>{@code *NewJar}: a jar the host has not seen: 512 distinct jars in turn, twice the engine's
 *       jar cache, so every load reads and validates its jar.</li>
 * </ul>
 * {@code pluginhostNoDeadlines*} run {@code initialize} on the caller's thread with no deadline
 * ({@code EngineLimits.withoutLifecycleDeadlines()}), as PF4J runs {@code start}. The template's
 * {@code initialize} only subscribes a listener, which the engine judges inert and runs on the
 * caller's thread with deadlines on too, so both take the same path; for a plugin whose
 * {@code initialize} runs code of its own, the difference would be the deadline's hand-off to the
 * lifecycle worker ({@link HandOffBenchmark}).
 *
 * <p>{@code jpmsFloorNewJar} is the least a host with a module layer per plugin can do for a jar it
 * has not seen: resolve a configuration for the jar's module (its descriptor already read, outside
 * the measurement) and define a layer for it, with no class loaded and nothing read. What the JDK
 * does there, chiefly walking every module of the boot layer on each resolve, is a floor under
 * {@code pluginhost*NewJar} that no engine code can lower.
 *
 * <p>Warm-up is 10 x 2 s: after 5, the new-jar cycle was still falling (1,334 to 402 µs over the
 * warm-up, then 400 to 715 µs measured).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g", "-Djava.util.logging.config.file=/dev/null",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class CycleBenchmark {

    private static final int DISTINCT = 512;

    private Path ours;
    private Path theirs;
    private List<Path> ourJars;
    private List<Path> theirJars;
    private int next;
    private ModuleLayerPluginManager manager;
    private ModuleLayerPluginManager withoutDeadlines;
    private PluginManager pf4j;
    private ApiLayer api;
    private List<ModuleFinder> ourFinders;
    private List<String> ourModules;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        ours = ScalePlugins.pluginhost(DISTINCT);
        theirs = ScalePlugins.pf4j(DISTINCT);
        ourJars = ScalePlugins.sortedJars(ours);
        theirJars = ScalePlugins.sortedJars(theirs);
        manager = new ModuleLayerPluginManager();
        withoutDeadlines = ScalePlugins.engineWithoutDeadlines();
        pf4j = new JarPluginManager(Files.createTempDirectory("pf4j-empty"));
        api = ApiLayer.create();
        ourFinders = ourJars.stream().map(ModuleFinder::of).toList();
        // Reads each descriptor now, not in the measurement.
        ourModules = ourFinders.stream().map(f -> f.findAll().iterator().next().descriptor().name()).toList();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        withoutDeadlines.close();
        pf4j.unloadPlugins();
        ScalePlugins.deleteDirectory(ours);
        ScalePlugins.deleteDirectory(theirs);
    }


    @Benchmark
    public Object pluginhostSameJar() {
        return pluginhostCycle(manager, 0);
    }

    /** As {@link #pluginhostSameJar}, with initialize on the caller's thread and no deadline, as PF4J runs it. */
    @Benchmark
    public Object pluginhostNoDeadlinesSameJar() {
        return pluginhostCycle(withoutDeadlines, 0);
    }

    @Benchmark
    public Object pf4jSameJar() {
        return pf4jCycle(theirJars.get(0));
    }

    @Benchmark
    public Object pluginhostNewJar() {
        next = (next + 1) % DISTINCT;
        return pluginhostCycle(manager, next);
    }

    @Benchmark
    public Object pluginhostNoDeadlinesNewJar() {
        next = (next + 1) % DISTINCT;
        return pluginhostCycle(withoutDeadlines, next);
    }

    @Benchmark
    public Object pf4jNewJar() {
        next = (next + 1) % DISTINCT;
        return pf4jCycle(theirJars.get(next));
    }

    @Benchmark
    public Object jpmsFloorNewJar() {
        next = (next + 1) % DISTINCT;
        ModuleFinder finder = ourFinders.get(next);
        Configuration configuration = Configuration.resolve(finder, List.of(api.layer().configuration()),
                ModuleFinder.of(), List.of(ourModules.get(next)));
        return ModuleLayer.defineModulesWithOneLoader(configuration, List.of(api.layer()), api.shimLoader()).layer();
    }

    private Object pluginhostCycle(ModuleLayerPluginManager engine, int index) {
        return ScalePlugins.cycle(engine, ourJars.get(index), ScalePlugins.pluginhostName(index));
    }

    private Object pf4jCycle(Path jar) {
        return ScalePlugins.cycle(pf4j, jar);
    }
}
