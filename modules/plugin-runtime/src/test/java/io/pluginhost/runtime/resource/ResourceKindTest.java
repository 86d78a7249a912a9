package io.pluginhost.runtime.resource;

import io.pluginhost.api.exception.BucketAccessDeniedException;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.TableAccessDeniedException;
import io.pluginhost.api.exception.TopicAccessDeniedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceKindTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "my-plugin", "orders-2", "x1-y2-z3", "0day", "a23456789012345678901234567890123456789012345678901234567890123"})
    void validPluginNamesAreAccepted(String name) {
        assertThatCode(() -> ResourceKind.validatePluginName(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "My-Plugin", "-lead", "_lead", "trail-", "trail_", "dou--ble", "dou__ble", "mix-_ed",
            "a_b", "orders_2",
            "has space", "dot.ted", "ünïcode", "a234567890123456789012345678901234567890123456789012345678901234"})
    void invalidPluginNamesAreRefusedWithAnExample(String name) {
        assertThatThrownBy(() -> ResourceKind.validatePluginName(name))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("e.g. 'order-export'");
    }

    @Test
    void nullPluginNameIsRefused() {
        assertThatThrownBy(() -> ResourceKind.validatePluginName(null)).isInstanceOf(InvalidNameException.class);
    }

    @Test
    void physicalNamesArePrefixedWithThePluginName() {
        assertThat(ResourceKind.TABLE.physicalName("my-plugin", "users")).isEqualTo("my-plugin_users");
        assertThat(ResourceKind.TOPIC.physicalName("my-plugin", "events")).isEqualTo("my-plugin_events");
        assertThat(ResourceKind.BUCKET.physicalName("my-plugin", "data")).isEqualTo("my-plugin--data");
    }

    @Test
    void bucketMappingNeverMergesTwoPlugins() {
        // With a single '-' separator, plugin "my" + bucket "plugin-data" would equal "my-plugin" + "data".
        assertThat(ResourceKind.BUCKET.physicalName("my", "plugin-data"))
                .isNotEqualTo(ResourceKind.BUCKET.physicalName("my-plugin", "data"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Users", "1users", "us-ers", "us\"ers", "users;drop", "pg_catalog.x", "", "users_",
            "user__s", "_users"})
    void invalidTableNamesAreRefused(String name) {
        assertThatThrownBy(() -> ResourceKind.TABLE.validateLogical(name)).isInstanceOf(InvalidNameException.class);
    }

    @Test
    void tableNamesLongerThanPostgresIdentifiersAreRefused() {
        String longName = "t".repeat(60);
        assertThatThrownBy(() -> ResourceKind.TABLE.physicalName("my-plugin", longName))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("63");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user-events", "user.events_1", "a", "0.b-c_d"})
    void validTopicNamesAreAccepted(String name) {
        assertThatCode(() -> ResourceKind.TOPIC.validateLogical(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "has space", "slash/topic", "star*", "UserEvents", "events.", "a..b", ".a",
            "-a"})
    void invalidTopicNamesAreRefused(String name) {
        assertThatThrownBy(() -> ResourceKind.TOPIC.validateLogical(name)).isInstanceOf(InvalidNameException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"under_score", "Upper", "-lead", "trail-", "do..ts", "dot.-dash", ".lead"})
    void invalidBucketNamesAreRefused(String name) {
        assertThatThrownBy(() -> ResourceKind.BUCKET.validateLogical(name)).isInstanceOf(InvalidNameException.class);
    }

    @Test
    void bucketNamesBreakingS3RulesAreRefused() {
        assertThatThrownBy(() -> ResourceKind.BUCKET.physicalName("xn", "data")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> ResourceKind.BUCKET.physicalName("plugin", "ol-s3")).hasMessageContaining("suffix");
        assertThatThrownBy(() -> ResourceKind.BUCKET.physicalName("plugin", "b".repeat(60)))
                .hasMessageContaining("3 to 63");
    }

    @Test
    void deniedAccessUsesTheTypeOfEachKindAndNamesTheAllowedSet() {
        assertThat(ResourceKind.TABLE.denied("p", "x", List.of("a"))).isInstanceOf(TableAccessDeniedException.class)
                .hasMessage("plugin 'p' has not declared table 'x'; allowed: [a]");
        assertThat(ResourceKind.TOPIC.denied("p", "x", List.of())).isInstanceOf(TopicAccessDeniedException.class);
        assertThat(ResourceKind.BUCKET.denied("p", "x", List.of())).isInstanceOf(BucketAccessDeniedException.class);
    }
}
