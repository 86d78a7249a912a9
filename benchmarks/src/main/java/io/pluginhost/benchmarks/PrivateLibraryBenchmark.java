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

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * What private libraries cost a plugin's life: load + one call + unload of the same small plugin
 * ({@link ScalePlugins}) without libraries and with three under {@code lib/} (slices of real
 * libraries on this benchmark's class path: jopt-simple, commons-math3's {@code util} package and
 * JMH's {@code util} package: tens of classes each). The jar is read once and cached, as in a
 * reload; each load resolves the libraries as modules of the plugin's layer and opens them; each
 * unload closes them. {@code (withLibraries - plain) / 3} is the cost per library jar.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g", "-Djava.util.logging.config.file=/dev/null",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class PrivateLibraryBenchmark {

    private Path directory;
    private Path plain;
    private Path withLibraries;
    private String name;
    private ModuleLayerPluginManager manager;

    @Setup(Level.Trial)
    public void setUp() throws IOException, URISyntaxException {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        directory = ScalePlugins.pluginhost(1);
        try (var jars = Files.list(directory)) {
            plain = jars.findFirst().orElseThrow();
        }
        name = ScalePlugins.pluginhostName(0);
        Path own = Path.of(PrivateLibraryBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path libraries = Files.createDirectories(directory.resolve("libraries"));
        List<Path> slices = List.of(
                slice(own, "joptsimple/", libraries.resolve("jopt-simple-5.0.4.jar")),
                slice(own, "org/apache/commons/math3/util/", libraries.resolve("commons-math3-util-3.6.1.jar")),
                slice(own, "org/openjdk/jmh/util/", libraries.resolve("jmh-util-1.37.jar")));
        withLibraries = directory.resolve("libraries").resolve("with-libraries.jar");
        try (JarFile in = new JarFile(plain.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(withLibraries))) {
            for (JarEntry entry : Collections.list(in.entries())) {
                out.putNextEntry(new JarEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
            for (Path slice : slices) {
                out.putNextEntry(new JarEntry("lib/" + slice.getFileName()));
                Files.copy(slice, out);
                out.closeEntry();
            }
        }
        manager = new ModuleLayerPluginManager();
    }

    /** The classes of one package (not its sub-packages) of the benchmark jar, as a library jar. */
    private static Path slice(Path source, String folder, Path target) throws IOException {
        int classes = 0;
        try (JarFile in = new JarFile(source.toFile()); OutputStream file = Files.newOutputStream(target);
             JarOutputStream out = new JarOutputStream(file)) {
            for (JarEntry entry : Collections.list(in.entries())) {
                String entryName = entry.getName();
                if (entryName.startsWith(folder) && entryName.endsWith(".class")
                        && entryName.indexOf('/', folder.length()) < 0) {
                    out.putNextEntry(new JarEntry(entryName));
                    try (InputStream data = in.getInputStream(entry)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                    classes++;
                }
            }
        }
        if (classes == 0) {
            throw new IllegalStateException("no classes under " + folder + " in " + source);
        }
        return target;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        ScalePlugins.deleteDirectory(directory.resolve("libraries"));
        ScalePlugins.deleteDirectory(directory);
    }

    @Benchmark
    public Object plain() {
        return cycle(plain);
    }

    @Benchmark
    public Object withThreeLibraries() {
        return cycle(withLibraries);
    }

    private Object cycle(Path jar) {
        manager.load(jar);
        Object result = manager.execute(name, null);
        manager.unload(name);
        return result;
    }
}
