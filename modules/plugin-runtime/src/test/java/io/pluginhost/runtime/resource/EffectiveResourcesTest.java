package io.pluginhost.runtime.resource;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.TableAccessDeniedException;
import io.pluginhost.api.exception.TopicAccessDeniedException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EffectiveResourcesTest {

    private final PluginDescriptor crm = new PluginDescriptor("crm", "1", "", List.of(),
            List.of("users", "orders"), List.of("user-events"), List.of("exports"));

    @Test
    void declaredResourcesMapToPrefixedPhysicalNames() {
        EffectiveResources resources = EffectiveResources.of(crm, ResourceOverrides.NONE);

        assertThat(resources.tables().physicalNames()).containsExactly(
                Map.entry("users", "crm_users"), Map.entry("orders", "crm_orders"));
        assertThat(resources.topics().physicalName("user-events")).isEqualTo("crm_user-events");
        assertThat(resources.buckets().physicalName("exports")).isEqualTo("crm--exports");
    }

    @Test
    void undeclaredResourceIsDeniedNamingTheAllowedSet() {
        EffectiveResources resources = EffectiveResources.of(crm, ResourceOverrides.NONE);

        assertThatThrownBy(() -> resources.tables().physicalName("invoices"))
                .isInstanceOf(TableAccessDeniedException.class)
                .hasMessage("plugin 'crm' has not declared table 'invoices'; allowed: [users, orders]");
        assertThatThrownBy(() -> resources.topics().physicalName(null)).isInstanceOf(TopicAccessDeniedException.class);
    }

    @Test
    void allowListOverrideReplacesTheDeclarationAndNameMapsApplyBeforePrefixing() {
        ResourceOverrides overrides = ResourceOverrides.builder()
                .allowedTables(List.of("users", "audit"))
                .tableNameMap(Map.of("users", "shared_users"))
                .build();

        EffectiveResources resources = EffectiveResources.of(crm, overrides);

        assertThat(resources.tables().allowed()).containsExactly("users", "audit");
        assertThat(resources.tables().physicalName("users")).isEqualTo("crm_shared_users");
        assertThat(resources.tables().physicalName("audit")).isEqualTo("crm_audit");
        assertThat(resources.tables().isAllowed("orders")).isFalse();
        assertThat(resources.topics().allowed()).containsExactly("user-events");
    }

    @Test
    void emptyOverrideAllowsNothing() {
        EffectiveResources resources = EffectiveResources.of(crm,
                ResourceOverrides.builder().allowedBuckets(List.of()).build());

        assertThat(resources.buckets().allowed()).isEmpty();
    }

    @Test
    void invalidNamesInOverridesAreRefused() {
        assertThatThrownBy(() -> EffectiveResources.of(crm,
                ResourceOverrides.builder().tableNameMap(Map.of("users", "Robert'); DROP TABLE x;--")).build()))
                .isInstanceOf(InvalidNameException.class);
        assertThatThrownBy(() -> EffectiveResources.of(crm,
                ResourceOverrides.builder().allowedBuckets(List.of("no_underscores")).build()))
                .isInstanceOf(InvalidNameException.class);
    }

    @Test
    void aNameListedTwiceIsRefusedInOverridesAsInDeclarations() {
        assertThatThrownBy(() -> EffectiveResources.of(crm,
                ResourceOverrides.builder().allowedTables(List.of("users", "users")).build()))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("plugin 'crm' lists table 'users' twice in [users, users]");
    }

    @Test
    void aNameMapThatMergesTwoNamesIsRefused() {
        assertThatThrownBy(() -> EffectiveResources.of(crm,
                ResourceOverrides.builder().tableNameMap(Map.of("users", "orders")).build()))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("plugin 'crm': tables 'users' and 'orders' would both be 'crm_orders'; a name map must"
                        + " not merge two tables");
    }

    /**
     * Kafka refuses to create a topic whose name differs from an existing one only by '.' against '_' (they
     * are one name in its metrics): the second topic never existed, and its sends timed out after the plugin
     * had loaded. Refused at load, declared or through a name map.
     */
    @Test
    void topicsKafkaTakesForOneAreRefused() {
        PluginDescriptor events = new PluginDescriptor("crm", "1", "", List.of(), List.of(),
                List.of("user.events", "user_events"), List.of());
        assertThatThrownBy(() -> EffectiveResources.of(events, ResourceOverrides.NONE))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("plugin 'crm': topics 'user.events' and 'user_events' would be 'crm_user.events' and"
                        + " 'crm_user_events', which Kafka takes for one topic ('.' and '_' are the same in its"
                        + " metric names): rename one");
        assertThatThrownBy(() -> EffectiveResources.of(crm, ResourceOverrides.builder()
                .allowedTopics(List.of("user-events", "audit")).topicNameMap(Map.of("audit", "user-events.v2",
                        "user-events", "user-events_v2")).build()))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("which Kafka takes for one topic");
    }
}
