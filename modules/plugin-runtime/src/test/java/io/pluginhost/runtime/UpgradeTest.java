package io.pluginhost.runtime;

import io.pluginhost.api.exception.DependencyVersionException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Upgrading a loaded plugin to a new jar: validated first, swapped under the lock, rolled back on failure. */
class UpgradeTest {

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @AfterEach
    void stop() {
        manager.close();
    }

    /** "base" in a version, built in its own folder and staged under a name no *.jar glob matches. */
    private Path staged(String version) throws IOException {
        Path built = PluginJarBuilder.versionedBase(version).build(Files.createDirectories(dir.resolve("build-" + version)));
        return Files.move(built, dir.resolve("base.jar.uploading-" + version));
    }

    private Path deployedBase() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = PluginJarBuilder.versionedBase("1.0.0").build(Files.createDirectories(dir.resolve("build-1")));
        return Files.move(jar, plugins.resolve("base.jar"));
    }

    private Path user(Path baseJar, String entry) {
        return PluginJarBuilder.plugin("user").dependsOnJar(entry, baseJar).body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    return context.getDependency("base", test.base.api.Version.class).version();
                }
                """).build(dir);
    }

    @Test
    void anUpgradeInPlaceSwapsTheJarReloadsDependentsAndSaysWhatChanged() throws IOException {
        Path jar = deployedBase();
        manager.load(jar);
        manager.load(user(jar, "base@^1.0"));

        UpgradeResult result = manager.upgrade("base", staged("1.1.0"), jar);

        assertThat(result.fromVersion()).isEqualTo("1.0.0");
        assertThat(result.toVersion()).isEqualTo("1.1.0");
        assertThat(result.reloaded()).extracting(PluginInfo::name).containsExactly("base", "user");
        assertThat(manager.execute("user", null)).isEqualTo("1.1.0");
        assertThat(manager.get("base").source()).isEqualTo(jar);
        try (var files = Files.list(jar.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("base.jar");
        }
        assertThat(Gc.collectsAll(manager::unloadedButNotCollected)).isTrue();
    }

    @Test
    void anUpgradeToAnotherFileNameDeletesTheOldJar() throws IOException {
        Path jar = deployedBase();
        manager.load(jar);
        Path target = jar.resolveSibling("base-2.0.0.jar");

        manager.upgrade("base", staged("2.0.0"), target);

        assertThat(manager.get("base").source()).isEqualTo(target);
        assertThat(jar).doesNotExist();
    }

    @Test
    void aNewVersionThatFailsInInitializeIsRolledBackWithItsDependents() throws IOException {
        Path jar = deployedBase();
        manager.load(jar);
        manager.load(user(jar, "base"));
        Path broken = PluginJarBuilder.plugin("base").version("3.0.0")
                .body("public void initialize(PluginContext c) { throw new IllegalStateException(\"no database\"); }")
                .build(Files.createDirectories(dir.resolve("build-broken")));
        Path stagedBroken = Files.move(broken, dir.resolve("base.jar.uploading-broken"));

        assertThatThrownBy(() -> manager.upgrade("base", stagedBroken, jar))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("upgrade of plugin 'base' to version 3.0.0 failed and was rolled back to 1.0.0")
                .hasMessageContaining("no database");

        assertThat(manager.get("base").version()).isEqualTo("1.0.0");
        assertThat(manager.get("base").state()).isEqualTo(PluginState.LOADED);
        assertThat(manager.execute("user", null)).isEqualTo("1.0.0");
        try (var files = Files.list(jar.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("base.jar");
        }
    }

    @Test
    void aNewVersionADependentRejectsOrAnotherPluginChangesNothing() throws IOException {
        Path jar = deployedBase();
        manager.load(jar);
        manager.load(user(jar, "base@1.x"));
        Path two = staged("2.0.0");

        // Not "version 2.0.0 is loaded; load a version in that range first": 1.0.0 is, and the operator asked for 2.
        assertThatThrownBy(() -> manager.upgrade("base", two, jar)).isInstanceOf(DependencyVersionException.class)
                .hasMessage("plugin 'base' 2.0.0 does not suit plugin 'user', which requires it in versions 1.x;"
                        + " nothing was changed: 'base' stays at 1.0.0 (unload 'user' first, or give a version in"
                        + " that range)");
        Path other = Files.move(PluginJarBuilder.plugin("other").build(dir), dir.resolve("other.jar.uploading"));
        assertThatThrownBy(() -> manager.upgrade("base", other, jar))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("the new jar is plugin 'other', not 'base'");

        assertThat(manager.execute("user", null)).isEqualTo("1.0.0");
        assertThat(two).exists();
        assertThat(jar).exists();
    }
}
