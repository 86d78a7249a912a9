package io.pluginhost.resource.kafka;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.devservices.KafkaDevServer;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A plugin's topics on a cluster with defaults of its own. A production cluster sets them (replication 3,
 * as Confluent Cloud requires and MSK defaults to): a topic the host made with one partition and one
 * replica there is refused, or lost with one broker.
 */
class KafkaClusterDefaultsTest {

    @Test
    void withoutPartitionsAndReplicationGivenAPluginsTopicsTakeTheClustersDefaults() throws Exception {
        try (KafkaDevServer kafka = KafkaDevServer.start(Map.of("num.partitions", "3"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
             KafkaRepositoryProvider provider = new KafkaRepositoryProvider(new KafkaConnection(
                     kafka.bootstrapServers(), Map.of(), true, KafkaConnection.CLUSTER_DEFAULT,
                     KafkaConnection.CLUSTER_DEFAULT, Duration.ofSeconds(20), Duration.ofSeconds(10),
                     Duration.ofSeconds(5)), Thread::new)) {
            PluginDescriptor descriptor = new PluginDescriptor("crm", "1", "", List.of(), List.of(),
                    List.of("orders"), List.of());
            AutoCloseable repository = (AutoCloseable) provider.open(ResourceScope.of("crm",
                    EffectiveResources.of(descriptor, ResourceOverrides.NONE), (what, e) -> { }));
            repository.close();

            TopicDescription orders = admin.describeTopics(List.of("crm_orders")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("crm_orders");
            assertThat(orders.partitions()).hasSize(3);
            assertThat(orders.partitions().get(0).replicas()).hasSize(1);
        }
    }

    @Test
    void aTopicShapeBelowOneIsRefusedUnlessItAsksForTheClustersDefault() {
        assertThatThrownBy(() -> new KafkaConnection("127.0.0.1:9092", Map.of(), true, 0, (short) 1,
                Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions 0");
    }
}
