package io.pluginhost.runtime.descriptor;

import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Where private libraries are unpacked: made on first need, deleted at close. */
class PluginLibrariesTest {

    @TempDir
    Path dir;

    @Test
    void noDirectoryIsMadeUntilALibraryIsStored() {
        PluginLibraries libraries = PluginLibraries.inTemporaryDirectory(false);
        assertThat(libraries.directoryIfMade()).isNull();
        libraries.close();
        assertThat(libraries.directoryIfMade()).isNull();
    }

    @Test
    void closeDeletesTheDirectoryWithEveryCopy() throws IOException {
        Path jar = PluginJarBuilder.libraryJar(dir, "textlib-1.0.jar", Map.of(
                "textlib/Text.java", "package textlib; public final class Text {}"));
        PluginLibraries libraries = PluginLibraries.inTemporaryDirectory(false);
        PluginLibraries.Library library;
        try (InputStream in = Files.newInputStream(jar)) {
            library = libraries.store(dir.resolve("plugin.jar"), "lib/textlib-1.0.jar", in, Long.MAX_VALUE);
        }
        Path directory = libraries.directoryIfMade();
        assertThat(library.file()).startsWith(directory).exists();
        assertThat(library.module().name()).isEqualTo("textlib");

        libraries.close();

        assertThat(directory).doesNotExist();
    }
}
