package io.pluginhost.runtime;

import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.testing.FakeDatabase;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.pluginhost.runtime.testing.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Overrides of a plugin's resources: at load, after load (reload), read back, cleared, kept across unload. */
class ResourceOverridesLifecycleTest {

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager(
            HostServices.NONE.withDatabase(new FakeDatabase()), Duration.ofSeconds(5));
    private Path crm;

    @BeforeEach
    void setUp() {
        manager.addLifecycleListener(events);
        // execute("users") answers the physical table the repository resolves "users" to.
        crm = PluginJarBuilder.plugin("crm").tables("users", "orders").topics("events").body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    DatabaseRepository db = context.database().orElseThrow();
                    if (in == null) return db.getAllowedTables();
                    return db.executeQuery((String) in).get(0).get("physical");
                }
                """).build(dir);
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    private final ResourceOverrides shared = ResourceOverrides.builder()
            .allowedTables(List.of("users", "audit"))
            .tableNameMap(Map.of("users", "shared_users"))
            .build();

    @Test
    void overridesGivenAtLoadApplyAndAreStored() {
        PluginInfo info = manager.load(crm, shared);

        assertThat(info.tables()).containsExactly(Map.entry("users", "crm_shared_users"), Map.entry("audit", "crm_audit"));
        assertThat(manager.execute("crm", "users")).isEqualTo("crm_shared_users");
        assertThat(manager.execute("crm", null)).isEqualTo(List.of("users", "audit"));
        assertThat(manager.getOverrides("crm")).contains(shared);
        assertThat(info.descriptor().allowedTables()).containsExactly("users", "orders");
    }

    @Test
    void settingOverridesOnALoadedPluginReloadsIt() {
        manager.load(crm);
        assertThat(manager.execute("crm", "users")).isEqualTo("crm_users");

        List<PluginInfo> reloaded = manager.setOverrides("crm", shared);

        assertThat(reloaded).extracting(PluginInfo::name).containsExactly("crm");
        assertThat(manager.execute("crm", "users")).isEqualTo("crm_shared_users");
        assertThat(events.lifecycle()).containsExactly("loaded crm", "unloaded crm", "loaded crm");
    }

    @Test
    void clearingOverridesReloadsWithTheDeclaration() {
        manager.load(crm, shared);

        manager.clearOverrides("crm");

        assertThat(manager.getOverrides("crm")).isEmpty();
        assertThat(manager.execute("crm", null)).isEqualTo(List.of("users", "orders"));
        assertThat(events.lifecycle()).containsExactly("loaded crm", "unloaded crm", "loaded crm");
    }

    @Test
    void reloadKeepsOverridesUnlessNewOnesAreGiven() {
        manager.load(crm, shared);

        manager.reload("crm");
        assertThat(manager.execute("crm", "users")).isEqualTo("crm_shared_users");

        ResourceOverrides renamed = ResourceOverrides.builder().tableNameMap(Map.of("users", "people")).build();
        manager.reload("crm", renamed);
        assertThat(manager.execute("crm", "users")).isEqualTo("crm_people");
        assertThat(manager.getOverrides("crm")).contains(renamed);
    }

    @Test
    void overridesSurviveUnloadAndApplyToTheNextLoad() {
        manager.load(crm, shared);
        manager.unload("crm");

        assertThat(manager.getOverrides("crm")).contains(shared);
        manager.load(crm);
        assertThat(manager.execute("crm", "users")).isEqualTo("crm_shared_users");
    }

    @Test
    void overridesForAPluginNotLoadedAreStoredForLater() {
        assertThat(manager.setOverrides("crm", shared)).isEmpty();

        manager.load(crm);

        assertThat(manager.execute("crm", "audit")).isEqualTo("crm_audit");
    }

    @Test
    void invalidOverridesAreRefusedAndThePluginIsUntouched() {
        manager.load(crm);
        ResourceOverrides bad = ResourceOverrides.builder().tableNameMap(Map.of("users", "\"users\"; --")).build();

        assertThatThrownBy(() -> manager.setOverrides("crm", bad)).isInstanceOf(InvalidNameException.class);

        assertThat(manager.getOverrides("crm")).isEmpty();
        assertThat(manager.execute("crm", "users")).isEqualTo("crm_users");
        assertThat(events.lifecycle()).containsExactly("loaded crm");
    }
}
