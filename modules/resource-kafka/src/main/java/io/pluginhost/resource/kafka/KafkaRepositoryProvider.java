package io.pluginhost.resource.kafka;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.runtime.resource.HostContext;
import io.pluginhost.runtime.resource.RepositoryProvider;
import io.pluginhost.runtime.resource.ResourceScope;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private static final System.Logger LOG = System.getLogger(KafkaRepositoryProvider.class.getName());


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
        // Every wait on the network is bounded below the engine's drain timeout, so an unload during an
        // outage is never refused for a call stuck in a client (Kafka's defaults are 60 s and 120 s).
        String request = String.valueOf(connection.requestTimeout().toMillis());
        properties.put("request.timeout.ms", request);
        properties.put("max.block.ms", request);
        properties.put("default.api.timeout.ms", request);
        properties.put("delivery.timeout.ms", String.valueOf(Math.max(connection.sendTimeout().toMillis(),
                connection.requestTimeout().toMillis() + 100)));
        properties.putIfAbsent("reconnect.backoff.max.ms", "1000");
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
        return new KafkaTopicRepository(scope, clientProperties(), pollThreads, connection.sendTimeout(),
                connection.maxConsumersPerPlugin());
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> properties = clientProperties();
            properties.put("request.timeout.ms", String.valueOf(connection.adminTimeout().toMillis()));
            properties.put("default.api.timeout.ms", String.valueOf(connection.adminTimeout().toMillis()));
            admin = Admin.create(properties);
        }
        return admin;
    }

    /**
     * Asks the brokers to describe the cluster, waiting at most the admin timeout; for readiness checks.
     *
     * @return why Kafka cannot be reached, or empty if a broker answered
     */
    public Optional<String> unreachable() {
        long millis = connection.adminTimeout().toMillis();
        try {
            int brokers = HostContext.call(KafkaRepositoryProvider.class, this::admin).describeCluster().nodes()
                    .get(millis, TimeUnit.MILLISECONDS).size();
            return brokers > 0 ? Optional.empty() : Optional.of("the cluster reports no broker");
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause()));
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.of("no broker answered within " + connection.adminTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (RuntimeException e) {
            return Optional.of(String.valueOf(e));
        }
    }

    private void createMissingTopics(ResourceScope scope) {
        Collection<String> topics = scope.resources().topics().physicalNames().values();
        if (topics.isEmpty()) {
            return; // nothing to ask Kafka: a plugin that uses none loads as fast with the brokers down
        }
        long millis = connection.adminTimeout().toMillis();
        try {
            Admin admin = admin();
            Set<String> existing = admin.listTopics().names().get(millis, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(topic -> !existing.contains(topic))
                    .map(topic -> new NewTopic(topic, connection.partitions(), connection.replicationFactor()))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(millis, TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                // Kafka is down or refuses: the plugin loads anyway; its sends fail, typed, until topics exist.
                LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'': cannot create its topics now: {1}",
                        scope.pluginName(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("plugin '" + scope.pluginName() + "': interrupted while creating its topics");
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'': Kafka did not answer within {1} while creating its"
                    + " topics; it loads without them", scope.pluginName(), connection.adminTimeout());
        } catch (KafkaException e) {
            // A client setting the clients refuse (a SASL set-up with no log-in): the plugin's calls say so, typed.
            LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'': cannot create its topics: the Kafka client refuses"
                    + " the host''s settings: {1}", scope.pluginName(), e.getMessage());
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
