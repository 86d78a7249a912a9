package io.pluginhost.host;

import io.pluginhost.runtime.resource.ResourceOverrides;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A plugin's keys ({@code pluginhost.plugin.<plugin>.*}) through SmallRye Config, as WildFly reads them. */
class ConfiguredOverridesTest {

    @Test
    void aPluginsKeyInTheEnvironmentIsReportedAndDoesNotStopTheHost() {
        // SmallRye lists PLUGINHOST_PLUGIN_CRM_ALLOWED_TABLES also as pluginhost.plugin.crm.allowed.tables, which the
        // host took for a misspelt key of its own and refused: the host did not start, for a variable in its
        // environment.
        SmallRyeConfig config = TestConfig.of(Map.of("PLUGINHOST_PLUGIN_CRM_ALLOWED_TABLES", "orders",
                "PLUGINHOST_PLUGIN_CRM_CONFIG_GREETING", "hi"), Map.of());

        assertThat(ConfiguredOverrides.read(config)).isEmpty();
        assertThat(ConfiguredOverrides.settings(config)).isEmpty();
        assertThat(ConfigKeys.unread(ConfigKeys.names(config), java.util.Set.of())).hasSize(2)
                .allSatisfy(line -> assertThat(line).contains("is not read: a plugin's keys come only from sources"
                        + " that keep the dots"));
    }

    @Test
    void theEnvironmentStillBeatsAFileForAKeyTheFileNames() {
        SmallRyeConfig config = TestConfig.of(Map.of("PLUGINHOST_PLUGIN_CRM_ALLOWED_TABLES", "orders,customers",
                        "PLUGINHOST_PLUGIN_CRM_CONFIG_GREETING", "hi"),
                Map.of("pluginhost.plugin.crm.allowed-tables", "orders",
                        "pluginhost.plugin.crm.config.greeting", "hello",
                        "pluginhost.plugin.crm.table-name-map.orders", "orders_v2"));

        ResourceOverrides crm = ConfiguredOverrides.read(config).get("crm");
        assertThat(crm.allowedTables()).contains(List.of("orders", "customers"));
        assertThat(crm.tableNameMap()).isEqualTo(Map.of("orders", "orders_v2"));
        assertThat(ConfiguredOverrides.settings(config)).isEqualTo(Map.of("crm", Map.of("greeting", "hi")));
    }

    @Test
    void aMisspeltKeyInAFileStillStopsTheHostNamingIt() {
        SmallRyeConfig config = TestConfig.of(Map.of(), Map.of("pluginhost.plugin.crm.allowed.tables", "orders"));

        assertThatThrownBy(() -> ConfiguredOverrides.read(config)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown configuration key pluginhost.plugin.crm.allowed.tables");
    }
}
