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

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What an extension point costs a plugin: example-plugin-1 greeting in Latin, which it asks
 * {@code context.extensions(Language.class)} for and finds in example-plugin-2 (a lookup, then two
 * calls through the handle: {@code code()} and {@code greet()}), against its plain greeting. Both go
 * through {@code execute}, so the difference is the extension's price: the lookup, the handles'
 * reflective calls through the implementing plugin's gate, and reading the request map.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g", "-Djava.util.logging.config.file=/dev/null",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class ExtensionBenchmark {

    private static final Map<String, String> LATIN = Map.of("name", "Ada", "language", "la");

    private ModuleLayerPluginManager manager;

    @Setup(Level.Trial)
    public void setUp() {
        manager = BenchPlugins.bothExamples();
        if (!"Salve, Ada!".equals(manager.execute("example-plugin-1", LATIN))) {
            throw new IllegalStateException("example-plugin-2 does not teach example-plugin-1 Latin");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public Object plainGreeting() {
        return manager.execute("example-plugin-1", "Ada");
    }

    @Benchmark
    public Object greetingThroughAnExtension() {
        return manager.execute("example-plugin-1", LATIN);
    }
}
