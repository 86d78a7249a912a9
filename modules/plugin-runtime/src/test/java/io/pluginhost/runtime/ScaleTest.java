package io.pluginhost.runtime;

import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.JarTemplate;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Many plugins at once, and what an unload gives back at once: 1,000 distinct plugins load from one
 * directory, each receives an event, all unload and every loader is collected; a plugin's jar is
 * closed when it unloads, not when GC gets to it. Asserts counts and handles, never time.
 */
class ScaleTest {

    @TempDir
    Path dir;

    private static PluginJarBuilder counting(String name) {
        return PluginJarBuilder.plugin(name).body("""
                private int seen;
                public void initialize(PluginContext context) {
                    context.eventBus().on("bench:ping", e -> seen++);
                }
                public Object execute(Object in) { return seen; }
                """);
    }

    @Test
    void aThousandDistinctPluginsLoadReceiveAnEventAndUnloadLeavingNoLoader() throws IOException {
        Path build = Files.createDirectories(dir.resolve("build"));
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        JarTemplate template = JarTemplate.of(counting("scale-" + JarTemplate.TOKEN).build(build));
        int count = 1_000;
        template.copies(plugins, "scale", count);

        try (ModuleLayerPluginManager manager = new ModuleLayerPluginManager()) {
            DirectoryLoadResult result = manager.loadDirectory(plugins);
            assertThat(result.failed()).isEmpty();
            assertThat(result.loaded()).hasSize(count);

            assertThat(manager.publish("bench:ping", null)).isEqualTo(count);
            for (int i = 0; i < count; i++) {
                assertThat(manager.execute(JarTemplate.nameOf("scale-" + JarTemplate.TOKEN, i), null)).isEqualTo(1);
            }

            assertThat(manager.unloadAll()).hasSize(count);
            assertThat(manager.list()).isEmpty();
            for (int i = 0; i < 20 && !manager.unloadedButNotCollected().isEmpty(); i++) {
                Gc.settle();
            }
            assertThat(manager.unloadedButNotCollected()).as("loaders still alive").isEmpty();
        }
    }

    @Test
    void anUnloadedPluginsJarIsClosedAtOnceNotAtGc() throws IOException {
        Path fd = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fd), "needs /proc to list the process's open files");
        // execute loads a class the plugin had not needed before and reads a resource, so the jar is
        // read after load too, once through a jar: URL (which the JDK's own handler would cache open).
        Path jar = PluginJarBuilder.plugin("handle").resource("greeting.txt", "later").body("""
                public Object execute(Object in) throws Exception {
                    try (java.io.InputStream text = getClass().getResourceAsStream("/greeting.txt")) {
                        return new Later().toString() + " " + new String(text.readAllBytes());
                    }
                }
                static final class Later { public String toString() { return "later"; } }
                """).build(dir);
        Path real = jar.toRealPath();
        try (ModuleLayerPluginManager manager = new ModuleLayerPluginManager()) {
            manager.load(jar);
            assertThat(manager.execute("handle", null)).isEqualTo("later later");

            manager.unload("handle");

            assertThat(PluginJarBuilder.openFiles()).as("open files of this process after unload").doesNotContain(real);
        }
    }
}
