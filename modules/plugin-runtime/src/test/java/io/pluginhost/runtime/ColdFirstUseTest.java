package io.pluginhost.runtime;

import io.pluginhost.runtime.testing.ChildJvm;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a server's boot pays for loading its first plugins in a JVM that has run none: the engine
 * keeps {@code java.lang.invoke} off that path where it costs tens of milliseconds and buys nothing
 * (string concatenation and record methods are linked through it at their first call). No timings
 * here; the cold figures are {@code ColdStartBenchmark}'s.
 */
class ColdFirstUseTest {

    @TempDir
    Path dir;

    @Test
    void theEngineIsCompiledWithStringBuilderConcatenation() throws IOException, URISyntaxException {
        Path classes = Path.of(ModuleLayerPluginManager.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> linked;
        try (Stream<Path> files = Files.walk(classes)) {
            linked = files.filter(f -> f.toString().endsWith(".class")).filter(ColdFirstUseTest::concatenatesByIndy)
                    .toList();
        }
        assertThat(linked).as("classes of %s with invokedynamic string concatenation (the compiler's"
                + " -XDstringConcat=inline is missing)", classes).isEmpty();
    }

    @Test
    void aColdJvmsFirstLoadsBootstrapNoRecordMethods() throws Exception {
        PluginJarBuilder.plugin("first").build(dir);
        PluginJarBuilder.plugin("second").dependsOn("first").build(dir);
        String log = ChildJvm.run(dir.resolve("class-load.log"), 60, List.of("-Xlog:class+load=info"), FirstUse.class,
                dir.toString());
        assertThat(log).contains("loaded 2 plugins");
        assertThat(log.lines().filter(line -> line.contains("java.lang.runtime.ObjectMethods")).toList())
                .as("a record's generated equals, hashCode or toString ran while the engine loaded its first"
                        + " plugins; write it out (see PluginJarCache's key)").isEmpty();
    }

    private static boolean concatenatesByIndy(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1)
                    .contains("makeConcatWithConstants");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The child JVM: a new engine loads a directory and delivers an event, as a server's boot does. */
    public static final class FirstUse {
        public static void main(String[] args) {
            try (ModuleLayerPluginManager manager = new ModuleLayerPluginManager()) {
                int loaded = manager.loadDirectory(Path.of(args[0])).loaded().size();
                manager.publish("cold:first", null);
                manager.unloadAll();
                System.out.println("loaded " + loaded + " plugins");
            }
        }
    }
}
