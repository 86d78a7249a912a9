package io.pluginhost.runtime;

import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operation answers is each plugin as it stands when the operation ends, as {@code get}
 * would show it then: a dependency reloaded before its dependents, or loaded before an optional
 * dependent was bound to it, lists those dependents.
 */
class ReturnedSnapshotsTest {

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @AfterEach
    void stop() {
        manager.close();
    }

    private Path base() {
        return PluginJarBuilder.versionedBase("1.0.0").build(dir);
    }

    private Path user(String entry, Path baseJar) {
        return PluginJarBuilder.plugin("user").dependsOnJar(entry, baseJar).build(dir);
    }

    private static PluginInfo named(List<PluginInfo> infos, String name) {
        return infos.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private void baseAndItsUser() {
        Path base = base();
        manager.load(base);
        manager.load(user("base", base));
    }

    @Test
    void aReloadAnswersTheDependencyWithTheDependentsLoadedAgainAfterIt() {
        baseAndItsUser();

        List<PluginInfo> reloaded = manager.reload("base");

        assertThat(named(reloaded, "base").dependents()).containsExactly("user");
        assertThat(reloaded).isEqualTo(List.of(manager.get("base"), manager.get("user")));
    }

    @Test
    void changedSettingsAndOverridesAnswerTheDependencyWithItsDependents() {
        baseAndItsUser();

        assertThat(named(manager.setConfig("base", Map.of("greeting", "hi")), "base").dependents())
                .containsExactly("user");
        assertThat(named(manager.clearConfig("base"), "base").dependents()).containsExactly("user");
        ResourceOverrides overrides = ResourceOverrides.builder().allowedTables(List.of("extra")).build();
        assertThat(named(manager.setOverrides("base", overrides), "base").dependents()).containsExactly("user");
        assertThat(named(manager.clearOverrides("base"), "base").dependents()).containsExactly("user");
    }

    @Test
    void aDirectoryAnswersEachPluginWithTheDependentsLoadedAfterIt() throws IOException {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path base = base();
        Files.copy(base, plugins.resolve("a-base.jar"));
        Files.copy(user("base", base), plugins.resolve("b-user.jar"));

        DirectoryLoadResult result = manager.loadDirectory(plugins);

        assertThat(result.failed()).isEmpty();
        assertThat(named(result.loaded(), "base").dependents()).containsExactly("user");
    }

    @Test
    void aLoadAnswersThePluginWithTheOptionalDependentsBoundToItAtTheEnd() {
        Path base = base();
        manager.load(user("base?", base));

        PluginInfo loaded = manager.load(base);

        assertThat(loaded.dependents()).containsExactly("user");
        assertThat(loaded).isEqualTo(manager.get("base"));
    }

    @Test
    void anUpgradeAnswersTheNewVersionWithItsDependents() throws IOException {
        Path deployed = Files.copy(base(), dir.resolve("base.jar"));
        manager.load(deployed);
        manager.load(user("base", deployed));
        Path staging = Files.createDirectory(dir.resolve("staging"));
        Path staged = PluginJarBuilder.versionedBase("1.1.0").build(staging);

        UpgradeResult result = manager.upgrade("base", staged, deployed);

        assertThat(named(result.reloaded(), "base").version()).isEqualTo("1.1.0");
        assertThat(named(result.reloaded(), "base").dependents()).containsExactly("user");
    }
}
