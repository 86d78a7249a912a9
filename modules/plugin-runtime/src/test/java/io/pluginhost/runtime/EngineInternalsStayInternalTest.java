package io.pluginhost.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's {@code internal} and {@code lifecycle} packages are its own: no other module of the
 * project imports them. (The engine runs on the class path inside WildFly, where a module-info would
 * not be enforced; this rule is.) Hosts use {@link PluginManager}, the SPI in {@code resource} and
 * the event hub's public types. The benchmarks may: they measure the engine's parts one by one (the
 * lifecycle hand-off, for one) and ship nowhere.
 */
class EngineInternalsStayInternalTest {

    private static final List<String> INTERNAL = List.of("io.pluginhost.runtime.internal",
            "io.pluginhost.runtime.lifecycle");

    @Test
    void noOtherModuleImportsTheEnginesInternals() throws IOException {
        Path engine = Path.of("").toAbsolutePath();
        Path root = engine.getParent().getParent();
        assertThat(root.resolve("pom.xml")).exists();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> path.toString().contains("/src/main/java/"))
                    .filter(path -> !path.startsWith(engine))
                    .filter(path -> !path.startsWith(root.resolve("benchmarks")))
                    .filter(path -> !path.toString().contains("/target/"))
                    .filter(EngineInternalsStayInternalTest::importsInternals)
                    .map(path -> root.relativize(path).toString())
                    .toList();
        }
        assertThat(offenders).as("main code outside the engine importing " + INTERNAL).isEmpty();
    }

    private static boolean importsInternals(Path source) {
        try {
            return Files.readAllLines(source).stream()
                    .anyMatch(line -> line.startsWith("import ") && INTERNAL.stream().anyMatch(line::contains));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
