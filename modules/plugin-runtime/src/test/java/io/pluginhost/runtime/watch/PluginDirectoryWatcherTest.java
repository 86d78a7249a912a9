package io.pluginhost.runtime.watch;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginLifecycleListener;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Hot deployment: a jar copied in loads, a replaced one reloads, a removed one unloads; never half a file. */
class PluginDirectoryWatcherTest {

    @TempDir
    Path dir;

    private Path plugins;
    private Path build;
    private final ModuleLayerPluginManager engine = new ModuleLayerPluginManager();
    /** Lifecycle events as "loaded name@version", "unloaded name@version", "failed name". */
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private PluginDirectoryWatcher watcher;

    @BeforeEach
    void start() throws IOException {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        build = Files.createDirectories(dir.resolve("build"));
        engine.addLifecycleListener(new PluginLifecycleListener() {
            @Override
            public void pluginLoaded(PluginInfo plugin) {
                events.add("loaded " + plugin.descriptor());
            }

            @Override
            public void pluginUnloaded(PluginDescriptor plugin) {
                events.add("unloaded " + plugin);
            }

            @Override
            public void pluginFailed(String pluginName, Path source, PluginException error) {
                events.add("failed " + (source == null ? pluginName : source.getFileName()));
            }
        });
        watcher = new PluginDirectoryWatcher(engine, plugins, Duration.ofMillis(200), true, Thread::new);
    }

    @AfterEach
    void stop() {
        watcher.close();
        engine.close();
    }

    private String next() throws InterruptedException {
        String event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("a lifecycle event within 10 s").isNotNull();
        return event;
    }

    private Path built(String name, String version, String... dependencies) throws IOException {
        Path into = Files.createDirectories(build.resolve(name + "-" + version));
        return PluginJarBuilder.plugin(name).version(version).dependsOn(dependencies).build(into);
    }

    @Test
    void aJarMovedInLoadsAReplacedOneReloadsWithItsDependentsAndARemovedOneUnloadsThem() throws Exception {
        Files.move(built("base", "1.0.0"), plugins.resolve("base.jar"));
        assertThat(next()).isEqualTo("loaded base@1.0.0");
        Files.move(built("leaf", "1.0.0", "base"), plugins.resolve("leaf.jar"));
        assertThat(next()).isEqualTo("loaded leaf@1.0.0");

        Files.move(built("base", "2.0.0"), plugins.resolve("base.jar"), StandardCopyOption.REPLACE_EXISTING);

        assertThat(List.of(next(), next(), next(), next())).containsExactly(
                "unloaded leaf@1.0.0", "unloaded base@1.0.0", "loaded base@2.0.0", "loaded leaf@1.0.0");

        Files.delete(plugins.resolve("base.jar"));

        assertThat(List.of(next(), next())).containsExactly("unloaded leaf@1.0.0", "unloaded base@2.0.0");
        assertThat(engine.list()).isEmpty();
    }

    @Test
    void aJarWrittenInPiecesIsReadOnlyOnceItIsComplete() throws Exception {
        byte[] jar = Files.readAllBytes(built("slow", "1.0.0"));
        try (OutputStream out = Files.newOutputStream(plugins.resolve("slow.jar"))) {
            out.write(jar, 0, jar.length / 2);
            out.flush();
            out.write(jar, jar.length / 2, jar.length - jar.length / 2);
        }

        assertThat(next()).isEqualTo("loaded slow@1.0.0");
        assertThat(events).as("no attempt on half a jar").isEmpty();
    }

    @Test
    void filesThatAreNotJarsAreIgnoredAndABadJarIsReportedOnce() throws Exception {
        Files.writeString(plugins.resolve(".pluginhost-state.json"), "{}");
        Files.writeString(plugins.resolve("notes.txt"), "not a plugin");
        Files.writeString(plugins.resolve("broken.jar"), "not a zip");

        assertThat(next()).isEqualTo("failed broken.jar");
        Files.move(built("fine", "1.0.0"), plugins.resolve("fine.jar"));
        assertThat(next()).isEqualTo("loaded fine@1.0.0");
    }
}
