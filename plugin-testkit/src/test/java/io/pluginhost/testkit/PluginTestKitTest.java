package io.pluginhost.testkit;

import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kit itself: it runs the real engine, captures events, and its leak assertion can fail. */
class PluginTestKitTest {

    @TempDir
    Path dir;

    private static Path greeter() {
        return Path.of("target", "example-plugins", "example-plugin-1.jar");
    }

    @Test
    void aPluginLoadsRunsWithItsSettingsAndItsEventsAreCaptured() {
        try (PluginTestKit kit = PluginTestKit.builder().plugin(greeter())
                .config("example-plugin-1", Map.of("greeting", "Salut")).build()) {
            assertThat(kit.execute("example-plugin-1", "Ada")).isEqualTo("Salut, Ada!");
            assertThat(kit.lastEvent("plugin:ready")).isPresent();
            kit.assertUnloadLeavesNoLoader();
        }
    }

    @Test
    void theLeakAssertionFailsNamingTheLoaderWhenSomethingHoldsThePlugin() {
        Path holder = PluginJarBuilder.plugin("holder").body("public Object execute(Object in) { return this; }")
                .build(dir);
        try (PluginTestKit kit = PluginTestKit.builder().plugin(holder).build()) {
            Object plugin = kit.execute("holder", null); // the test now holds the plugin, so its loader stays

            assertThatThrownBy(kit::assertUnloadLeavesNoLoader)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("holder");
            assertThat(plugin).isNotNull();
        }
    }

    @Test
    void projectJarRefusesAFolderThatIsNoModule() {
        assertThatThrownBy(() -> PluginTestKit.jarOf(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no module-info.class");
    }

    @Test
    void aFolderOfClassesIsPackedAsAPluginJar() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        try (var jar = new java.util.jar.JarFile(greeter().toFile())) {
            for (var entry : java.util.Collections.list(jar.entries())) {
                if (!entry.isDirectory()) {
                    Path file = classes.resolve(entry.getName());
                    Files.createDirectories(file.getParent());
                    try (var in = jar.getInputStream(entry)) {
                        Files.copy(in, file);
                    }
                }
            }
        }
        try (PluginTestKit kit = PluginTestKit.builder().plugin(PluginTestKit.jarOf(classes)).build()) {
            assertThat(kit.execute("example-plugin-1", "folder")).isEqualTo("Hello, folder!");
        }
    }
}
