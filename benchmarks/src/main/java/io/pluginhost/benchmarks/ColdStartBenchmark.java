package io.pluginhost.benchmarks;

import io.pluginhost.api.Plugin;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.layer.ApiLayer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Time to first use of N distinct plugins in a JVM that has loaded none before, as a server's boot
 * loads its plugins: the same operation as {@link ScaleBenchmark}'s first use, but one shot per fresh
 * JVM and no warm-up, so the engine's and PF4J's code runs mostly interpreted. Ten forks per case.
 *
 * <p>{@code jpmsFloorFirstUse} is the least a host with a module layer per plugin can do here: the
 * engine's API layer, then for each jar a configuration resolved, a layer defined, the provider its
 * descriptor names instantiated, as the engine does it, and called once. Nothing validated, no
 * context, no bus: what the JDK's module system costs a cold JVM, under {@code pluginhostFirstUse}.
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
    public int jpmsFloorFirstUse(PluginDirectories dirs) throws Exception {
        ApiLayer api = ApiLayer.create();
        List<Configuration> parents = List.of(api.layer().configuration());
        int used = 0;
        for (Path jar : jars(dirs.ours)) {
            ModuleFinder finder = ModuleFinder.of(jar);
            ModuleDescriptor descriptor = finder.findAll().iterator().next().descriptor();
            Configuration configuration = Configuration.resolve(finder, parents, ModuleFinder.of(),
                    List.of(descriptor.name()));
            ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(configuration,
                    List.of(api.layer()), api.shimLoader());
            Module module = controller.layer().findModule(descriptor.name()).orElseThrow();
            controller.addReads(module, api.hostApiModule());
            Class<?> type = Class.forName(module, descriptor.provides().iterator().next().providers().get(0));
            controller.addExports(module, type.getPackageName(), ColdStartBenchmark.class.getModule());
            ((Plugin) type.getConstructor().newInstance()).execute(null);
            used++;
        }
        if (used != dirs.plugins) {
            throw new IllegalStateException(used + " plugins used, not " + dirs.plugins);
        }
        return used;
    }

    /** The directory's jars, without a stream or a lambda: the floor should not load more of the JDK than it needs. */
    private static List<Path> jars(Path dir) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            List<Path> list = new ArrayList<>();
            for (Path jar : jars) {
                list.add(jar);
            }
            return list;
        }
    }

    @Benchmark
    public Object pf4jFirstUse(PluginDirectories dirs) {
        return ScalePlugins.pf4jFirstUse(dirs.theirs, dirs.plugins);
    }
}
