package io.pluginhost.benchmarks;

import io.pluginhost.api.Plugin;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.descriptor.PluginJarReader;
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

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * The cost of a plugin's whole life (check the jar, validate, define its layer, instantiate,
 * initialize, unload with listener removal and context invalidation) against the bare JPMS floor:
 * resolve the same jar, define a layer with one loader, add the read edge, instantiate the provider.
 * Both reuse what they read from the unchanged jar (the engine its descriptor cache, the bare cycle
 * its ModuleFinder); {@code readDescriptor} is the one-off cost of reading a jar the engine has not
 * seen. Target: the engine's cycle within 1.5x of the bare cycle.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g", "-Djava.util.logging.config.file=/dev/null",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class LoadUnloadBenchmark {

    private Path jar;
    private ModuleLayerPluginManager manager;
    private ApiLayer api;
    private ModuleFinder finder;
    private final PluginJarReader reader = new PluginJarReader();

    @Setup(Level.Trial)
    public void setUp() {
        jar = BenchPlugins.extract("example-plugin-1.jar");
        manager = new ModuleLayerPluginManager();
        api = ApiLayer.create();
        finder = ModuleFinder.of(jar);
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public Object engineLoadInitializeUnload() {
        Object info = manager.load(jar);
        manager.unload("example-plugin-1");
        return info;
    }

    /** Reading and validating the jar's descriptor alone (module-info, provider class file via Jandex). */
    @Benchmark
    public Object readDescriptor() {
        return reader.read(jar);
    }

    @Benchmark
    public Object bareDefineLayerAndInstantiate() {
        String module = finder.findAll().iterator().next().descriptor().name();
        Configuration configuration = Configuration.resolve(finder, List.of(api.layer().configuration()),
                ModuleFinder.of(), List.of(module));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(configuration,
                List.of(api.layer()), api.shimLoader());
        ModuleLayer layer = controller.layer();
        Module m = layer.findModule(module).orElseThrow();
        controller.addReads(m, Plugin.class.getModule());
        return ServiceLoader.load(layer, Plugin.class).stream()
                .filter(p -> p.type().getModule() == m).findFirst().orElseThrow().get();
    }
}
