package io.pluginhost.runtime;

import io.pluginhost.api.exception.DependencyVersionException;
import io.pluginhost.api.exception.DependentsLoadedException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Version ranges and optional dependencies: checked before any plugin code runs, rebound on change. */
class DependencyConstraintsTest {

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @AfterEach
    void stop() {
        manager.close();
    }

    /** A plugin "base" exporting {@code test.base.api.Version}, which reports the version it was built as. */
    private Path base(String version) {
        Path into = dir.resolve("base-" + version);
        try {
            Files.createDirectories(into);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return PluginJarBuilder.versionedBase(version)
                .build(into);
    }

    /** A plugin with one dependency entry on "base", answering base's version or "unbound". */
    private Path user(String name, String entry, Path baseJar) {
        return PluginJarBuilder.plugin(name).dependsOnJar(entry, baseJar).body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    if (!context.hasDependency("base")) {
                        return "unbound";
                    }
                    return context.getDependency("base", test.base.api.Version.class).version();
                }
                """).build(dir);
    }

    @Test
    void aRequiredDependencyInItsRangeBinds() {
        Path base = base("1.4.0");
        manager.load(base);
        manager.load(user("user", "base@^1.2", base));

        assertThat(manager.execute("user", null)).isEqualTo("1.4.0");
    }

    @Test
    void aRequiredDependencyOutsideItsRangeIsRefusedNamingBothVersionsAndNothingIsLeft() {
        Path base = base("2.0.0");
        manager.load(base);
        Path user = user("user", "base@>=1.2 <2.0", base);

        assertThatThrownBy(() -> manager.load(user))
                .isInstanceOfSatisfying(DependencyVersionException.class, e -> {
                    assertThat(e.pluginName()).isEqualTo("user");
                    assertThat(e.dependency()).isEqualTo("base");
                    assertThat(e.requiredRange()).isEqualTo(">=1.2 <2.0");
                    assertThat(e.loadedVersion()).isEqualTo("2.0.0");
                })
                .hasMessage("plugin 'user' requires 'base' in versions >=1.2 <2.0, but version 2.0.0 is loaded; load a"
                        + " version in that range first");
        assertThat(manager.find("user")).isEmpty();
        assertThat(manager.hub().ownerCount()).isZero();
    }

    @Test
    void aRangeCannotBeSatisfiedByAVersionThatIsNotSemantic() {
        Path base = base("nightly");
        manager.load(base);

        assertThatThrownBy(() -> manager.load(user("user", "base@^1.0", base)))
                .isInstanceOf(DependencyVersionException.class)
                .hasMessageContaining("version nightly is loaded ('nightly' is not a semantic version)");
    }

    @Test
    void aMalformedRangeIsAnInvalidPluginBeforeAnythingIsChecked() {
        Path base = base("1.0.0");

        assertThatThrownBy(() -> manager.load(user("user", "base@>=banana", base)))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("declares dependency 'base@>=banana'")
                .hasMessageContaining("'>=banana' is not a version range");
    }

    @Test
    void anOptionalDependencyThatIsAbsentIsUnboundThenBindsWhenItIsLoadedAndUnbindsWhenItGoes() {
        Path base = base("1.0.0");
        manager.load(user("user", "base?", base));
        assertThat(manager.execute("user", null)).isEqualTo("unbound");

        manager.load(base);

        assertThat(manager.execute("user", null)).as("rebound at base's load").isEqualTo("1.0.0");
        assertThat(manager.get("base").dependents()).containsExactly("user");

        List<String> unloaded = manager.unload("base", false);

        assertThat(unloaded).as("an optional dependent needs no cascade and stays").containsExactly("base");
        assertThat(manager.get("user").state()).isEqualTo(PluginState.LOADED);
        assertThat(manager.execute("user", null)).isEqualTo("unbound");
        manager.unloadAll();
        assertThat(Gc.collectsAll(manager::unloadedButNotCollected)).as("every loader of the rebinds collected").isTrue();
    }

    @Test
    void anOptionalDependencyOutsideItsRangeStaysUnboundUntilAVersionInRangeIsLoaded() {
        Path two = base("2.0.0");
        manager.load(two);
        manager.load(user("user", "base?@~1.5", two));
        assertThat(manager.execute("user", null)).isEqualTo("unbound");

        manager.unload("base");
        manager.load(base("1.5.3"));

        assertThat(manager.execute("user", null)).isEqualTo("1.5.3");
    }

    @Test
    void anOptionalDependencysModuleMustBeRequiredStatic() {
        Path base = base("1.0.0");
        Path user = PluginJarBuilder.plugin("user").dependsOn("base?").requiresModule("test.base", base).build(dir);

        assertThatThrownBy(() -> manager.load(user))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("'requires static'");
    }

    @Test
    void reloadingADependencyToAVersionARequiringPluginRejectsChangesNothing() throws IOException {
        Path base = base("1.0.0");
        Path deployed = Files.copy(base, dir.resolve("base.jar"));
        manager.load(deployed);
        manager.load(user("user", "base@1.x", base));
        Files.move(base("2.0.0"), deployed, StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> manager.reload("base"))
                .isInstanceOf(DependencyVersionException.class)
                .hasMessage("plugin 'base' 2.0.0 does not suit plugin 'user', which requires it in versions 1.x;"
                        + " nothing was changed: 'base' stays at 1.0.0 (unload 'user' first, or give a version in"
                        + " that range)");
        assertThat(manager.get("base").version()).isEqualTo("1.0.0");
        assertThat(manager.execute("user", null)).isEqualTo("1.0.0");
    }

    @Test
    void unloadingCascadesOnlyThroughRequiredDependenciesAndRebindsTheOptionalOnes() {
        Path base = base("1.0.0");
        manager.load(base);
        manager.load(user("needs", "base", base));
        Path optionalUser = user("likes", "base?", base);
        manager.load(optionalUser);
        manager.load(PluginJarBuilder.plugin("on-top").dependsOn("likes").build(dir));

        assertThatThrownBy(() -> manager.unload("base", false))
                .isInstanceOfSatisfying(DependentsLoadedException.class,
                        e -> assertThat(e.getMessage()).contains("needs").doesNotContain("likes"));

        List<String> unloaded = manager.unload("base", true);

        assertThat(unloaded).containsExactly("needs", "base");
        assertThat(manager.list()).extracting(PluginInfo::name).containsExactlyInAnyOrder("likes", "on-top");
        assertThat(manager.execute("likes", null)).isEqualTo("unbound");
    }

    @Test
    void aDirectoryLoadsAnOptionalDependencyFirstSoItsDependentLoadsOnce() throws IOException {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Path base = base("1.0.0");
        Files.copy(user("aaa-user", "base?@^1", base), plugins.resolve("a.jar"));
        Files.copy(base, plugins.resolve("z.jar"));
        List<String> loads = new java.util.concurrent.CopyOnWriteArrayList<>();
        manager.addLifecycleListener(new PluginLifecycleListener() {
            @Override
            public void pluginLoaded(PluginInfo info) {
                loads.add(info.name());
            }
        });

        manager.loadDirectory(plugins);

        assertThat(loads).containsExactly("base", "aaa-user");
        assertThat(manager.execute("aaa-user", null)).isEqualTo("1.0.0");
    }
}
