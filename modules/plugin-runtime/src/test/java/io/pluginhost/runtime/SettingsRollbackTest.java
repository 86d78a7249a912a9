package io.pluginhost.runtime;

import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.testing.FakeDatabase;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.pluginhost.runtime.testing.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A change to a loaded plugin's settings or overrides is all or nothing: when the plugin or one of
 * its dependents does not come back with it, the previous values are stored again and what ran
 * before runs again with them. An operator's typo must not take a running plugin down, and what the
 * engine stores must be what the host persists (it persists only a change that did not throw).
 */
class SettingsRollbackTest {

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager(
            HostServices.NONE.withDatabase(new FakeDatabase()), Duration.ofSeconds(5));

    @BeforeEach
    void listen() {
        manager.addLifecycleListener(events);
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    /** Refuses to start with {@code mode=broken}; {@code execute} answers its mode. */
    private Path moody() {
        return PluginJarBuilder.plugin("moody").body("""
                private String mode;
                public void initialize(PluginContext context) {
                    mode = context.config().get("mode", "calm");
                    if (mode.equals("broken")) throw new IllegalStateException("cannot run in mode " + mode);
                }
                public Object execute(Object in) throws Exception {
                    if (in instanceof java.util.concurrent.CountDownLatch[] latches) {
                        latches[0].countDown(); // in flight
                        latches[1].await();
                    }
                    return mode;
                }
                """).build(dir);
    }

    /** Depends on moody and refuses to start when moody's mode is {@code odd}. */
    private Path follower() {
        return PluginJarBuilder.plugin("follower").dependsOn("moody").body("""
                public void initialize(PluginContext context) throws Exception {
                    Object mode = context.getDependency("moody").execute(null);
                    if ("odd".equals(mode)) throw new IllegalStateException("cannot follow mode " + mode);
                }
                """).build(dir);
    }

    @Test
    void settingsThatThePluginCannotStartWithAreRolledBack() {
        manager.setConfig("moody", Map.of("mode", "happy"));
        manager.load(moody());
        manager.load(follower());
        events.events.clear();

        assertThatThrownBy(() -> manager.setConfig("moody", Map.of("mode", "broken")))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("new settings of plugin 'moody' were rolled back")
                .hasMessageContaining("cannot run in mode broken");

        assertThat(manager.getConfig("moody")).contains(Map.of("mode", "happy"));
        assertThat(manager.get("moody").state()).isEqualTo(PluginState.LOADED);
        assertThat(manager.execute("moody", null)).isEqualTo("happy");
        assertThat(manager.get("follower").state()).isEqualTo(PluginState.LOADED);
        assertThat(events.lifecycle()).containsSubsequence("unloaded follower", "unloaded moody", "loaded moody",
                "loaded follower");
        assertThat(events.lifecycle()).last().isEqualTo("loaded follower");
    }

    @Test
    void settingsADependentCannotStartWithAreRolledBackToo() {
        manager.load(moody());
        manager.load(follower());

        assertThatThrownBy(() -> manager.setConfig("moody", Map.of("mode", "odd")))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("new settings of plugin 'moody' were rolled back")
                .hasMessageContaining("cannot follow mode odd");

        assertThat(manager.getConfig("moody")).isEmpty();
        assertThat(manager.execute("moody", null)).isEqualTo("calm");
        assertThat(manager.list()).extracting(PluginInfo::name, PluginInfo::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("moody", PluginState.LOADED),
                org.assertj.core.groups.Tuple.tuple("follower", PluginState.LOADED));
    }

    @Test
    void settingsThatCannotBeAppliedWhileACallIsInFlightChangeNothing() throws Exception {
        ModuleLayerPluginManager impatient = new ModuleLayerPluginManager(HostServices.NONE, Duration.ofMillis(100));
        CountDownLatch[] latches = {new CountDownLatch(1), new CountDownLatch(1)};
        try {
            impatient.setConfig("moody", Map.of("mode", "happy"));
            impatient.load(moody());
            CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> impatient.execute("moody", latches));
            latches[0].await();

            assertThatThrownBy(() -> impatient.setConfig("moody", Map.of("mode", "sad")))
                    .isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("new settings of plugin 'moody' were not applied")
                    .hasMessageContaining("call(s) in progress");

            assertThat(impatient.getConfig("moody")).contains(Map.of("mode", "happy"));
            latches[1].countDown();
            assertThat(call.get()).isEqualTo("happy");
            assertThat(impatient.execute("moody", null)).isEqualTo("happy");
        } finally {
            latches[1].countDown();
            impatient.close();
        }
    }

    @Test
    void clearingSettingsThePluginNeedsIsRolledBack() {
        Path keyed = PluginJarBuilder.plugin("keyed").body("""
                public void initialize(PluginContext context) {
                    if (!context.config().keys().contains("token")) throw new IllegalStateException("needs a token");
                }
                """).build(dir);
        manager.setConfig("keyed", Map.of("token", "t0k3n"));
        manager.load(keyed);

        assertThatThrownBy(() -> manager.clearConfig("keyed"))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("clearing the settings of plugin 'keyed' was rolled back")
                .hasMessageContaining("needs a token");

        assertThat(manager.getConfig("keyed")).contains(Map.of("token", "t0k3n"));
        assertThat(manager.get("keyed").state()).isEqualTo(PluginState.LOADED);
    }

    @Test
    void overridesThePluginCannotStartWithAreRolledBack() {
        // Its initialize reads its "users" table; overrides that do not allow it make initialize throw.
        Path crm = PluginJarBuilder.plugin("crm").tables("users").body("""
                public void initialize(PluginContext context) {
                    context.database().orElseThrow().executeQuery("users");
                }
                """).build(dir);
        ResourceOverrides renamed = ResourceOverrides.builder().tableNameMap(Map.of("users", "people")).build();
        manager.load(crm, renamed);

        ResourceOverrides withoutUsers = ResourceOverrides.builder().allowedTables(List.of("audit")).build();
        assertThatThrownBy(() -> manager.setOverrides("crm", withoutUsers))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("new overrides of plugin 'crm' were rolled back")
                .hasMessageContaining("has not declared table 'users'");

        assertThat(manager.getOverrides("crm")).contains(renamed);
        assertThat(manager.get("crm").tables()).containsExactly(Map.entry("users", "crm_people"));

        assertThatThrownBy(() -> manager.reload("crm", withoutUsers)).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("rolled back");
        assertThat(manager.getOverrides("crm")).contains(renamed);
        assertThat(manager.get("crm").state()).isEqualTo(PluginState.LOADED);
    }

    @Test
    void overridesGivenWithALoadThatFailsAreNotKept() throws Exception {
        Path crm = PluginJarBuilder.plugin("crm").tables("users").body("""
                public void initialize(PluginContext context) {
                    context.database().orElseThrow().executeQuery("users");
                }
                """).build(dir);
        ResourceOverrides renamed = ResourceOverrides.builder().tableNameMap(Map.of("users", "people")).build();
        manager.setOverrides("crm", renamed);

        ResourceOverrides withoutUsers = ResourceOverrides.builder().allowedTables(List.of("audit")).build();
        assertThatThrownBy(() -> manager.load(crm, withoutUsers)).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("has not declared table 'users'");

        assertThat(manager.getOverrides("crm")).contains(renamed);
        assertThat(manager.load(crm).tables()).containsExactly(Map.entry("users", "crm_people"));

        // Failed now (a new jar that does not start), and reloaded with overrides it cannot start with either.
        Path broken = PluginJarBuilder.plugin("crm").version("2").tables("users")
                .body("public void initialize(PluginContext c) { throw new IllegalStateException(\"v2\"); }")
                .build(Files.createTempDirectory(dir, "v2"));
        Files.copy(broken, crm, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> manager.reload("crm")).hasMessageContaining("v2");
        assertThat(manager.get("crm").state()).isEqualTo(PluginState.FAILED);
        assertThatThrownBy(() -> manager.reload("crm", withoutUsers)).isInstanceOf(PluginLoadException.class);
        assertThat(manager.getOverrides("crm")).contains(renamed);
    }

    @Test
    void clearingOverridesThePluginNeedsIsRolledBack() {
        // Declares no table; only its overrides give it one, which initialize reads.
        Path reporting = PluginJarBuilder.plugin("reporting").body("""
                public void initialize(PluginContext context) {
                    context.database().orElseThrow().executeQuery("stats");
                }
                """).build(dir);
        ResourceOverrides granted = ResourceOverrides.builder().allowedTables(List.of("stats")).build();
        manager.load(reporting, granted);

        assertThatThrownBy(() -> manager.clearOverrides("reporting"))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("clearing the overrides of plugin 'reporting' was rolled back");

        assertThat(manager.getOverrides("reporting")).contains(granted);
        assertThat(manager.get("reporting").state()).isEqualTo(PluginState.LOADED);
    }
}
