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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

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
    void aJarTheHostWroteAndLoadedItselfIsNotLoadedAgainOnceAnOperatorUnloadedIt() throws Exception {
        // What the admin API's upload does: the host moves the jar in and loads it; the operator then
        // unloads it before the file has settled for the watcher.
        Path uploaded = plugins.resolve("uploaded.jar");
        Files.move(built("uploaded", "1.0.0"), uploaded);
        watcher.written(uploaded);
        engine.load(uploaded);
        assertThat(next()).isEqualTo("loaded uploaded@1.0.0");
        engine.unload("uploaded");
        assertThat(next()).isEqualTo("unloaded uploaded@1.0.0");

        Files.move(built("marker", "1.0.0"), plugins.resolve("marker.jar")); // settles after the upload

        assertThat(next()).isEqualTo("loaded marker@1.0.0");
        assertThat(engine.find("uploaded")).as("the operator's unload stands").isEmpty();
    }

    @Test
    void withoutAnyFileEventAsOnANetworkFileSystemTheListingAloneLoadsReloadsAndUnloads() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("nfs"));
        try (PluginDirectoryWatcher listing = new PluginDirectoryWatcher(engine, shared, Duration.ofMillis(200),
                Duration.ofMillis(100), true, Thread::new, false)) {
            Files.move(built("remote", "1.0.0"), shared.resolve("remote.jar"));
            assertThat(next()).isEqualTo("loaded remote@1.0.0");

            Files.move(built("remote", "2.0.0"), shared.resolve("remote.jar"), StandardCopyOption.REPLACE_EXISTING);
            assertThat(List.of(next(), next())).containsExactly("unloaded remote@1.0.0", "loaded remote@2.0.0");

            Files.delete(shared.resolve("remote.jar"));
            assertThat(next()).isEqualTo("unloaded remote@2.0.0");
        }
    }

    /**
     * A Kubernetes ConfigMap or Secret volume (or an atomic deploy by symlink): each visible file is a
     * symlink through {@code ..data}, itself a symlink to a hidden timestamped directory; an update
     * writes a new directory and swaps {@code ..data} in one rename, so the visible name never changes
     * and every file event is about a hidden name. The plugin follows the content.
     */
    @Test
    void aJarBehindAKubernetesVolumesSymlinkSwapIsReloadedAndUnloadedWithIt() throws Exception {
        Path volume = Files.createDirectories(dir.resolve("configmap"));
        Path first = Files.createDirectories(volume.resolve("..2026_12_06_19_00_00.000000001"));
        Files.move(built("mounted", "1.0.0"), first.resolve("mounted.jar"));
        Files.createSymbolicLink(volume.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(volume.resolve("mounted.jar"), Path.of("..data", "mounted.jar"));
        engine.loadDirectory(volume);
        assertThat(next()).isEqualTo("loaded mounted@1.0.0");
        try (PluginDirectoryWatcher watching = new PluginDirectoryWatcher(engine, volume, Duration.ofMillis(200),
                Duration.ofMillis(300), true, Thread::new)) {
            Path second = Files.createDirectories(volume.resolve("..2026_12_06_19_05_00.000000002"));
            Files.move(built("mounted", "1.1.0"), second.resolve("mounted.jar"));
            Files.createSymbolicLink(volume.resolve("..data_tmp"), second.getFileName());
            Files.move(volume.resolve("..data_tmp"), volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            PluginJarBuilder.deleteRecursively(first);

            assertThat(List.of(next(), next())).containsExactly("unloaded mounted@1.0.0", "loaded mounted@1.1.0");

            Files.delete(volume.resolve("mounted.jar")); // the key taken out of the ConfigMap
            assertThat(next()).isEqualTo("unloaded mounted@1.1.0");
        }
    }

    /**
     * A directory removed and made again (a volume remounted, a deployment script's rm -rf) is watched
     * again: file events from the new directory are found at once, not at the next listing (an hour
     * here).
     */
    @Test
    void aDirectoryRemovedAndMadeAgainIsWatchedAgain() throws Exception {
        Path again = Files.createDirectories(dir.resolve("remounted"));
        try (PluginDirectoryWatcher watching = new PluginDirectoryWatcher(engine, again, Duration.ofMillis(200),
                Duration.ofHours(1), true, Thread::new, true)) {
            Files.delete(again);
            Files.createDirectories(again);
            Files.move(built("returned", "1.0.0"), again.resolve("returned.jar"));
            assertThat(next()).isEqualTo("loaded returned@1.0.0");
        }
    }

    /**
     * A quiet period of zero or less would read a jar while it is still being copied, and a rescan
     * interval of zero or less would list the directory at every tick: both are refused before the
     * watcher starts, so a misconfigured host fails to start instead of misbehaving.
     */
    @Test
    void aQuietPeriodOrRescanIntervalThatIsNotPositiveIsRefusedBeforeAnyThreadStarts() {
        List<Thread> started = new ArrayList<>();
        for (Duration[] settings : new Duration[][] {{Duration.ZERO, Duration.ofSeconds(5)},
                {Duration.ofMillis(-500), Duration.ofSeconds(5)}, {Duration.ofMillis(500), Duration.ZERO},
                {Duration.ofMillis(500), Duration.ofSeconds(-5)}}) {
            assertThatThrownBy(() -> new PluginDirectoryWatcher(engine, plugins, settings[0], settings[1], true,
                    task -> {
                        Thread thread = new Thread(task);
                        started.add(thread);
                        return thread;
                    }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be positive")
                    .hasMessageContaining(settings[0].isNegative() || settings[0].isZero()
                            ? "quiet period " + settings[0].toMillis() + " ms"
                            : "rescan interval " + settings[1].toMillis() + " ms");
        }
        assertThat(started).isEmpty();
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

    @Test
    void pluginsCopiedInTogetherAllLoadWhateverOrderTheirFilesSettleIn() throws Exception {
        // A chain: each link requires the one before. Moved in last link first, so that loading the
        // files one by one in the order they were seen, or in any order but this one, fails.
        List<Path> links = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            links.add(built("link" + i, "1.0.0", i == 1 ? new String[0] : new String[] {"link" + (i - 1)}));
        }
        for (int i = 5; i >= 1; i--) {
            Files.move(links.get(i - 1), plugins.resolve("link" + i + ".jar"));
        }

        Set<String> loaded = new HashSet<>();
        while (loaded.size() < 5) {
            String event = next();
            if (event.startsWith("loaded ")) {
                loaded.add(event);
            }
        }
        assertThat(loaded).containsExactlyInAnyOrder("loaded link1@1.0.0", "loaded link2@1.0.0",
                "loaded link3@1.0.0", "loaded link4@1.0.0", "loaded link5@1.0.0");
    }

    @Test
    void aJarThatArrivesBeforeItsDependencyLoadsWhenTheDependencyDoes() throws Exception {
        Files.move(built("leaf", "1.0.0", "base"), plugins.resolve("leaf.jar"));
        assertThat(next()).isEqualTo("failed leaf.jar");

        Files.move(built("base", "1.0.0"), plugins.resolve("base.jar"));

        assertThat(List.of(next(), next())).containsExactly("loaded base@1.0.0", "loaded leaf@1.0.0");
    }

    @Test
    void aNewVersionUnderANewFileNameReplacesTheOldOnceTheOldFileIsRemoved() throws Exception {
        Files.move(built("base", "1.0.0"), plugins.resolve("base-1.0.0.jar"));
        assertThat(next()).isEqualTo("loaded base@1.0.0");

        // Copied in before the old file is deleted: refused while base 1.0.0 is loaded.
        Files.move(built("base", "2.0.0"), plugins.resolve("base-2.0.0.jar"));
        assertThat(next()).isEqualTo("failed base-2.0.0.jar");
        Files.delete(plugins.resolve("base-1.0.0.jar"));

        assertThat(List.of(next(), next())).containsExactly("unloaded base@1.0.0", "loaded base@2.0.0");
        assertThat(engine.list()).extracting(p -> p.descriptor().name(), p -> p.descriptor().version())
                .containsExactly(tuple("base", "2.0.0"));
    }

    /**
     * An operator upgrades a dependency by copying its new jar in and deleting the old one: its dependents,
     * unloaded with the old version, load again with the new one, as OSGi resolves a bundle again once what
     * it needs is back. Before, they stayed unloaded, listed with no reason, although their jars were there.
     */
    @Test
    void theDependentsOfARemovedJarLoadAgainOnceAVersionTheyAcceptIsBack() throws Exception {
        Files.move(built("base", "1.0.0"), plugins.resolve("base-1.0.0.jar"));
        assertThat(next()).isEqualTo("loaded base@1.0.0");
        Files.move(built("leaf", "1.0.0", "base@^1.0"), plugins.resolve("leaf.jar"));
        assertThat(next()).isEqualTo("loaded leaf@1.0.0");
        Files.move(built("base", "1.1.0"), plugins.resolve("base-1.1.0.jar"));
        assertThat(next()).isEqualTo("failed base-1.1.0.jar");

        Files.delete(plugins.resolve("base-1.0.0.jar"));

        assertThat(List.of(next(), next(), next(), next())).containsExactly("unloaded leaf@1.0.0",
                "unloaded base@1.0.0", "loaded base@1.1.0", "loaded leaf@1.0.0");

        // Removed for good, the dependency takes its dependents with it; they wait, and are told why.
        Files.delete(plugins.resolve("base-1.1.0.jar"));
        assertThat(List.of(next(), next(), next())).containsExactly("unloaded leaf@1.0.0", "unloaded base@1.1.0",
                "failed leaf.jar");
        Files.move(built("base", "1.2.0"), plugins.resolve("base-1.2.0.jar"));
        assertThat(List.of(next(), next())).containsExactly("loaded base@1.2.0", "loaded leaf@1.0.0");
    }

    /**
     * A jar of another plugin copied over a loaded plugin's jar: the file no longer holds that plugin, so it
     * goes as if its jar were removed (its dependents wait), and the new plugin loads, as it would after an
     * {@code rm} and a {@code cp} a moment apart. Before, the reload was refused ("now declares plugin ...")
     * and the old plugin ran on from a file that no longer held it, until the next start dropped it.
     */
    @Test
    void aJarOfAnotherPluginCopiedOverALoadedPluginsJarUnloadsThatPluginAndLoadsTheNewOne() throws Exception {
        Files.move(built("alpha", "1.0.0"), plugins.resolve("alpha.jar"));
        assertThat(next()).isEqualTo("loaded alpha@1.0.0");
        Files.move(built("leaf", "1.0.0", "alpha"), plugins.resolve("leaf.jar"));
        assertThat(next()).isEqualTo("loaded leaf@1.0.0");

        Files.move(built("beta", "1.0.0"), plugins.resolve("alpha.jar"), StandardCopyOption.REPLACE_EXISTING);

        assertThat(List.of(next(), next())).containsExactly("unloaded leaf@1.0.0", "unloaded alpha@1.0.0");
        assertThat(List.of(next(), next())).containsExactlyInAnyOrder("loaded beta@1.0.0", "failed leaf.jar");
        assertThat(engine.find("alpha")).isEmpty();

        Files.move(built("alpha", "1.0.0"), plugins.resolve("alpha-again.jar"));
        assertThat(List.of(next(), next())).as("the dependent waited for it")
                .containsExactly("loaded alpha@1.0.0", "loaded leaf@1.0.0");
    }

    /** The same over a plugin that had failed to load: it is forgotten, and the new plugin loads. */
    @Test
    void aJarOfAnotherPluginCopiedOverAFailedPluginsJarForgetsThatPlugin() throws Exception {
        Files.move(built("orphan", "1.0.0", "missing"), plugins.resolve("orphan.jar"));
        assertThat(next()).isEqualTo("failed orphan.jar");

        Files.move(built("beta", "1.0.0"), plugins.resolve("orphan.jar"), StandardCopyOption.REPLACE_EXISTING);

        assertThat(next()).isEqualTo("loaded beta@1.0.0");
        assertThat(engine.list()).extracting(p -> p.descriptor().name(), p -> p.state().name())
                .containsExactly(tuple("beta", "LOADED"));
    }
}
