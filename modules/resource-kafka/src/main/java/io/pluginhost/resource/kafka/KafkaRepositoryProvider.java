package io.pluginhost.resource.kafka;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.runtime.resource.HostContext;
import io.pluginhost.runtime.resource.RepositoryProvider;
import io.pluginhost.runtime.resource.ResourceScope;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Gives each plugin a {@link KafkaRepository}: its own producer (created on first send) and the
 * consumers it asks for, each polled on a thread from the host's {@link ThreadFactory} (in WildFly, a
 * managed one). Creates a plugin's missing topics when it loads if the connection says so.
 */
public final class KafkaRepositoryProvider implements RepositoryProvider<KafkaRepository>, AutoCloseable {

    private final KafkaConnection connection;
    private final ThreadFactory pollThreads;
    private Admin admin;

    /**
     * @param connection  where Kafka is
     * @param pollThreads makes the threads consumer poll loops run on
     */
    public KafkaRepositoryProvider(KafkaConnection connection, ThreadFactory pollThreads) {
        this.connection = connection;
        this.pollThreads = pollThreads;
    }

    /** @return settings every client of every plugin starts from */
    Map<String, Object> clientProperties() {
        Map<String, Object> properties = new HashMap<>(connection.clientProperties());
        properties.put("bootstrap.servers", connection.bootstrapServers());
        return properties;
    }

    @Override
    public KafkaRepository open(ResourceScope scope) {
        if (connection.createMissingTopics()) {
            HostContext.call(KafkaRepositoryProvider.class, () -> {
                createMissingTopics(scope);
                return null;
            });
        }
        return new KafkaTopicRepository(scope, clientProperties(), pollThreads, connection.sendTimeout());
    }

    private synchronized void createMissingTopics(ResourceScope scope) {
        if (admin == null) {
            admin = Admin.create(clientProperties());
        }
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = scope.resources().topics().physicalNames().values().stream()
                    .filter(topic -> !existing.contains(topic))
                    .map(topic -> new NewTopic(topic, connection.partitions(), connection.replicationFactor()))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new PluginException("plugin '" + scope.pluginName() + "': cannot create its topics: "
                        + e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("plugin '" + scope.pluginName() + "': interrupted while creating its topics");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': Kafka did not answer within 30 s while"
                    + " creating its topics");
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
