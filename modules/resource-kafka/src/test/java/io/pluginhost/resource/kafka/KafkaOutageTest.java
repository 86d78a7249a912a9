package io.pluginhost.resource.kafka;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.KafkaMessage;
import io.pluginhost.devservices.HungServer;
import io.pluginhost.devservices.KafkaDevServer;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka going away: a send fails typed within its bound (the {@code @Timeout}s are liveness guards,
 * well above the bounds), works again without a reload when the broker is back, and closing the
 * repository during the outage (what an unload does) returns.
 */
class KafkaOutageTest {

    private static KafkaDevServer kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaDevServer.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static ResourceScope scope(String plugin) {
        return scope(plugin, List.of("events"));
    }

    private static ResourceScope scope(String plugin, List<String> topics) {
        PluginDescriptor descriptor = new PluginDescriptor(plugin, "1", "", List.of(), List.of(), topics, List.of());
        return ResourceScope.of(plugin, EffectiveResources.of(descriptor, ResourceOverrides.NONE), (what, e) -> { });
    }

    private static KafkaRepositoryProvider provider(String bootstrap) {
        return new KafkaRepositoryProvider(KafkaConnection.forDevelopment(bootstrap).withTimeouts(
                Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(2)), Thread::new);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theReadinessProbeSaysWhetherABrokerAnswers() throws Exception {
        try (KafkaRepositoryProvider provider = provider(kafka.bootstrapServers())) {
            assertThat(provider.unreachable()).isEmpty();

            kafka.stop();
            try {
                assertThat(provider.unreachable()).hasValueSatisfying(why -> assertThat(why).isNotBlank());
            } finally {
                kafka.restart();
            }
        }
        try (KafkaRepositoryProvider afterRestart = provider(kafka.bootstrapServers())) {
            assertThat(afterRestart.unreachable()).isEmpty();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSendDuringAnOutageFailsTypedAndTheSameRepositoryWorksWhenTheBrokerIsBack() throws Exception {
        try (KafkaRepositoryProvider provider = provider(kafka.bootstrapServers())) {
            KafkaTopicRepository repository = (KafkaTopicRepository) provider.open(scope("outage"));
            repository.sendMessage("events", List.of(KafkaMessage.of("before")));

            kafka.stop();
            try {
                assertThatThrownBy(() -> repository.sendMessage("events", List.of(KafkaMessage.of("during"))))
                        .isInstanceOf(PluginException.class).hasMessageContaining("plugin 'outage'");
            } finally {
                kafka.restart();
            }

            assertThatCode(() -> repository.sendMessage("events", List.of(KafkaMessage.of("after"))))
                    .doesNotThrowAnyException();
            repository.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBrokerThatHangsCostsOneBoundedFailureAndCloseReturns() throws Exception {
        try (HungServer hung = HungServer.start();
             KafkaRepositoryProvider provider = provider("127.0.0.1:" + hung.port())) {
            KafkaTopicRepository repository = (KafkaTopicRepository) provider.open(scope("hung")); // loads anyway

            assertThatThrownBy(() -> repository.sendMessage("events", List.of(KafkaMessage.of("lost"))))
                    .isInstanceOf(PluginException.class).hasMessageContaining("plugin 'hung'");
            repository.createConsumer("reader", "readers");
            repository.subscribe("reader", List.of("events"), message -> { });

            repository.close(); // an unload during the outage
            assertThat(repository.getAllowedTopics()).containsExactly("events");
        }
    }

    /**
     * Every load asked Kafka for its topics, also of a plugin that declares none: with the brokers down or
     * hanging, every plugin's load waited the admin timeout.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPluginThatDeclaresNoTopicLoadsWithoutAskingKafka() throws Exception {
        try (HungServer hung = HungServer.start();
             KafkaRepositoryProvider provider = provider("127.0.0.1:" + hung.port())) {
            KafkaTopicRepository repository = (KafkaTopicRepository) provider.open(scope("quiet", List.of()));

            assertThat(hung.connections()).as("connections made to the broker").isZero();
            repository.close();
        }
    }

    /**
     * A client setting the clients refuse (here SASL with no log-in) made Admin.create throw Kafka's own
     * exception out of every load, also of plugins that use no Kafka, and a send threw it to the plugin.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClientSettingKafkaRefusesFailsThePluginsCallsTypedNotItsLoad() throws Exception {
        KafkaConnection development = KafkaConnection.forDevelopment(kafka.bootstrapServers());
        KafkaConnection refused = new KafkaConnection(development.bootstrapServers(),
                java.util.Map.of("security.protocol", "SASL_PLAINTEXT"), true, 1, (short) 1,
                Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(2));
        try (KafkaRepositoryProvider provider = new KafkaRepositoryProvider(refused, Thread::new)) {
            ((KafkaTopicRepository) provider.open(scope("quiet", List.of()))).close();
            KafkaTopicRepository repository = (KafkaTopicRepository) provider.open(scope("refused"));

            assertThatThrownBy(() -> repository.sendMessage("events", List.of(KafkaMessage.of("lost"))))
                    .isInstanceOf(PluginException.class).hasMessageContaining("plugin 'refused'");
            assertThatThrownBy(() -> repository.createConsumer("reader", "readers"))
                    .isInstanceOf(PluginException.class).hasMessageContaining("plugin 'refused'");
            assertThat(provider.unreachable()).isPresent();
            repository.close();
        }
    }
}
