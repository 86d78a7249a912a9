package io.pluginhost.runtime;

import io.pluginhost.api.exception.CircularDependencyException;
import io.pluginhost.api.exception.DependencyNotFoundException;
import io.pluginhost.api.exception.DependentsLoadedException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.api.exception.PluginNotFoundException;
import io.pluginhost.api.exception.SelfDependencyException;
import io.pluginhost.runtime.testing.ExamplePlugins;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.pluginhost.runtime.testing.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginDependencyTest {

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @BeforeEach
    void listen() {
        manager.addLifecycleListener(events);
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    private static PluginJarBuilder base(String version) {
        return PluginJarBuilder.versionedBase(version);
    }

    /** A plugin that depends on "base" and returns base's version through the exported type. */
    private Path user(Path baseJar) {
        return PluginJarBuilder.plugin("user").dependsOnJar("base", baseJar).body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    return context.getDependency("base", test.base.api.Version.class).version();
                }
                """).build(dir);
    }

    /** Replaces a jar the way a deployment should: write elsewhere, then move over atomically. */
    private static void replace(Path target, Path with) throws IOException {
        Files.move(with, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aMissingDependencyIsRefusedAndNothingIsRegistered() {
        assertThatThrownBy(() -> manager.load(ExamplePlugins.two()))
                .isInstanceOf(DependencyNotFoundException.class)
                .hasMessage("plugin 'example-plugin-2' depends on 'example-plugin-1', which is not loaded; load it first");

        assertThat(manager.list()).isEmpty();
        assertThat(manager.find("example-plugin-2")).isEmpty();
        assertThat(manager.hub().ownerCount()).isZero();
    }

    @Test
    void aSelfDependencyIsRefused() {
        Path jar = PluginJarBuilder.plugin("narcissus").dependsOn("narcissus").build(dir);

        assertThatThrownBy(() -> manager.load(jar)).isInstanceOf(SelfDependencyException.class);
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void requiringTheModuleOfAnUndeclaredPluginIsRefused() {
        Path baseJar = base("1.0.0").build(dir);
        manager.load(baseJar);
        Path sneaky = PluginJarBuilder.plugin("sneaky").requiresModule("test.base", baseJar).build(dir);

        assertThatThrownBy(() -> manager.load(sneaky))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("requires test.base, the module of plugin 'base', which 'sneaky' does not declare");
    }

    @Test
    void aReloadedJarThatRequiresAnUndeclaredPluginsModuleIsRefusedBeforeAnythingUnloads() throws Exception {
        Path baseJar = base("1.0.0").build(dir);
        manager.load(baseJar);
        Path jar = PluginJarBuilder.plugin("shifty").build(dir);
        manager.load(jar);
        Path staging = java.nio.file.Files.createDirectory(dir.resolve("staging"));
        Path sneaky = PluginJarBuilder.plugin("shifty").version("2.0.0").requiresModule("test.base", baseJar)
                .build(staging);
        java.nio.file.Files.move(sneaky, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> manager.reload("shifty"))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("requires test.base, the module of plugin 'base', which 'shifty' does not declare");
        assertThat(manager.get("shifty").state()).isEqualTo(PluginState.LOADED);
        assertThat(manager.get("shifty").version()).isEqualTo("1.0.0");
    }

    @Test
    void aCascadeThatCannotDrainEveryDependentUnloadsNothing() throws Exception {
        ModuleLayerPluginManager quick = new ModuleLayerPluginManager(HostServices.NONE,
                EngineLimits.defaults().withDrainTimeout(java.time.Duration.ofMillis(200)));
        java.util.concurrent.CountDownLatch release = Handoff.latch("cascade-test.release");
        java.util.concurrent.CountDownLatch entered = Handoff.latch("cascade-test.entered");
        try {
            quick.load(base("1.0.0").build(dir));
            quick.load(PluginJarBuilder.plugin("busy").dependsOn("base").body("""
                    public Object execute(Object in) {
                        %s
                        %s
                        return "done";
                    }
                    """.formatted(Handoff.countDown("cascade-test.entered"), Handoff.awaitLatch("cascade-test.release")))
                    .build(dir));
            quick.load(PluginJarBuilder.plugin("idle").dependsOn("base").build(dir)); // stopped first
            java.util.concurrent.CompletableFuture<Object> inFlight =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> quick.execute("busy", null));
            assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("execute entered").isTrue();

            assertThatThrownBy(() -> quick.unload("base", true))
                    .isInstanceOf(io.pluginhost.api.exception.PluginUnloadException.class)
                    .hasMessageContaining("'busy'").hasMessageContaining("nothing was unloaded");

            assertThat(quick.list()).extracting(PluginInfo::name).containsExactlyInAnyOrder("base", "idle", "busy");
            release.countDown();
            assertThat(inFlight.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(quick.unload("base", true)).containsExactlyInAnyOrder("idle", "busy", "base");
        } finally {
            release.countDown();
            quick.close();
            Handoff.take("cascade-test.release");
            Handoff.take("cascade-test.entered");
        }
    }

    @Test
    void unloadingADependencyWithLoadedDependentsIsRefusedNamingThem() {
        manager.load(ExamplePlugins.one());
        manager.load(ExamplePlugins.two());

        assertThatThrownBy(() -> manager.unload("example-plugin-1"))
                .isInstanceOf(DependentsLoadedException.class)
                .hasMessageContaining("loaded plugins depend on it: [example-plugin-2]")
                .satisfies(e -> assertThat(((DependentsLoadedException) e).dependents()).containsExactly("example-plugin-2"));
        assertThat(manager.execute("example-plugin-1", "still here")).isEqualTo("Hello, still here!");
    }

    @Test
    void cascadingUnloadRemovesDependentsFirst() {
        Path baseJar = base("1.0.0").build(dir);
        manager.load(baseJar);
        manager.load(user(baseJar));
        manager.load(PluginJarBuilder.plugin("grandchild").dependsOn("user").build(dir));
        manager.load(PluginJarBuilder.plugin("bystander").build(dir));

        List<String> unloaded = manager.unload("base", true);

        assertThat(unloaded).containsExactly("grandchild", "user", "base");
        assertThat(manager.list()).extracting(PluginInfo::name).containsExactly("bystander");
        assertThat(events.lifecycle()).endsWith("unloaded grandchild", "unloaded user", "unloaded base");
    }

    @Test
    void reloadingADependencyReloadsItsDependentsOnTheNewLayer() throws IOException {
        Path baseJar = base("1.0.0").build(dir);
        manager.load(baseJar);
        manager.load(user(baseJar));
        assertThat(manager.execute("user", null)).isEqualTo("1.0.0");

        Path staging = Files.createDirectory(dir.resolve("staging"));
        replace(baseJar, base("2.0.0").build(staging));
        List<PluginInfo> reloaded = manager.reload("base");

        assertThat(reloaded).extracting(PluginInfo::name, PluginInfo::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("base", "2.0.0"),
                        org.assertj.core.groups.Tuple.tuple("user", "1.0.0"));
        assertThat(manager.execute("user", null)).isEqualTo("2.0.0");
        assertThat(events.lifecycle()).containsExactly("loaded base", "loaded user",
                "unloaded user", "unloaded base", "loaded base", "loaded user");
    }

    @Test
    void aReloadWhoseNewJarIsBrokenChangesNothing() throws IOException {
        Path baseJar = base("1.0.0").build(dir);
        manager.load(baseJar);
        manager.load(user(baseJar));
        Files.copy(PluginJarBuilder.corruptJar(Files.createDirectory(dir.resolve("x")), "bad.jar"), baseJar,
                StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> manager.reload("base")).isInstanceOf(InvalidPluginException.class);

        assertThat(manager.execute("user", null)).isEqualTo("1.0.0");
        assertThat(events.lifecycle()).containsExactly("loaded base", "loaded user");
    }

    @Test
    void aReloadThatWouldCloseACycleIsRefusedWithTheChainAndChangesNothing() throws IOException {
        Path a = PluginJarBuilder.plugin("a").build(dir);
        manager.load(a);
        manager.load(PluginJarBuilder.plugin("b").dependsOn("a").build(dir));
        Path staging = Files.createDirectory(dir.resolve("staging"));
        replace(a, PluginJarBuilder.plugin("a").version("2").dependsOn("b").build(staging));

        assertThatThrownBy(() -> manager.reload("a"))
                .isInstanceOf(CircularDependencyException.class)
                .hasMessage("circular dependency: a -> b -> a");

        assertThat(manager.list()).extracting(PluginInfo::name, PluginInfo::version).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", "1.0.0"), org.assertj.core.groups.Tuple.tuple("b", "1.0.0"));
    }

    /**
     * Loads plugin {@code flaky}, replaces its jar by a version 2 that throws in initialize, and
     * reloads it, which fails.
     *
     * @return its jar
     */
    private Path flakyAfterAFailedReload() throws IOException {
        Path jar = PluginJarBuilder.plugin("flaky").build(dir);
        manager.load(jar);
        replace(jar, PluginJarBuilder.plugin("flaky").version("2")
                .body("public void initialize(PluginContext c) { throw new IllegalStateException(\"v2 is broken\"); }")
                .build(Files.createDirectories(dir.resolve("staging"))));
        assertThatThrownBy(() -> manager.reload("flaky")).hasMessageContaining("v2 is broken");
        return jar;
    }

    @Test
    void aReloadThatFailsInInitializeLeavesThePluginFailedAndRetryable() throws IOException {
        Path jar = flakyAfterAFailedReload();
        Path staging = dir.resolve("staging");

        PluginInfo failed = manager.get("flaky");
        assertThat(failed.state()).isEqualTo(PluginState.FAILED);
        assertThat(failed.error()).hasValueSatisfying(text -> assertThat(text).contains("v2 is broken"));
        replace(jar, PluginJarBuilder.plugin("flaky").version("3").build(staging));
        assertThat(manager.reload("flaky")).extracting(PluginInfo::version).containsExactly("3");
        assertThat(manager.get("flaky").state()).isEqualTo(PluginState.LOADED);
    }

    /** Unloading a failed plugin takes it off the list, and says so: the host records it as unloaded. */
    @Test
    void unloadingAFailedPluginForgetsItAndNamesIt() throws IOException {
        flakyAfterAFailedReload();

        assertThat(manager.unload("flaky", false)).containsExactly("flaky");

        assertThat(manager.find("flaky")).isEmpty();
        assertThatThrownBy(() -> manager.unload("flaky", false)).isInstanceOf(PluginNotFoundException.class);
    }

    @Test
    void aDependentWhoseJarCannotBeReadAgainStaysListedAsFailedAndRetryable() throws IOException {
        Path baseJar = base("1.0.0").build(dir);
        manager.load(baseJar);
        Path userJar = user(baseJar);
        manager.load(userJar);
        Path kept = Files.copy(userJar, dir.resolve("user-kept.jar"));
        Files.copy(PluginJarBuilder.corruptJar(Files.createDirectory(dir.resolve("x")), "bad.jar"), userJar,
                StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> manager.reload("base")).hasMessageContaining(userJar.toString());

        PluginInfo user = manager.get("user");
        assertThat(user.state()).isEqualTo(PluginState.FAILED);
        assertThat(user.source()).isEqualTo(userJar);
        assertThat(user.error()).hasValueSatisfying(text -> assertThat(text).contains(userJar.toString()));
        replace(userJar, kept);
        assertThat(manager.reload("user")).extracting(PluginInfo::state).containsExactly(PluginState.LOADED);
        assertThat(manager.execute("user", null)).isEqualTo("1.0.0");
    }

    @Test
    void theExamplesDependencyCanBeReloadedAndTheDependentKeepsWorking() {
        manager.load(ExamplePlugins.one());
        manager.load(ExamplePlugins.two());

        manager.reload("example-plugin-1");

        Object result = manager.execute("example-plugin-2", Map.of("numbers", List.of(2), "name", "again"));
        assertThat(((Map<?, ?>) result).get("greeting")).isEqualTo("Hello, again!");
    }
}
