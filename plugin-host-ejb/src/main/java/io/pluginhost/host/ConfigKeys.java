package io.pluginhost.host;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every MicroProfile Config key the host reads, so that one it does not read is reported when the host
 * starts rather than ignored: a typo ({@code pluginhost.s3.acess-key}) or a key in a form the host cannot
 * read would otherwise leave a setting at its default with nothing said. The code reads these keys and the
 * README's configuration table lists them ({@code ConfigKeysTest} holds the three together).
 *
 * <p>An environment variable is a key only by name: MicroProfile Config finds
 * {@code PLUGINHOST_S3_ACCESS_KEY} when the host asks for {@code pluginhost.s3.access-key}. So the host
 * reads from the environment every key it asks for by name: its own, and the Kafka clients' settings,
 * whose names are Kafka's. A plugin's keys ({@code pluginhost.plugin.<plugin>.*}) it finds by listing
 * names, and an environment variable's name cannot say where a plugin's name ends (both {@code -} and
 * {@code .} become {@code _}): those are read only from sources that keep the dots, and are reported
 * from the environment.
 */
final class ConfigKeys {

    /** A plugin's own keys: {@code pluginhost.plugin.<plugin>.<setting>}. */
    static final String PLUGIN_PREFIX = "pluginhost.plugin.";
    /** A setting of every Kafka client of the host: {@code pluginhost.kafka.client.<setting>}. */
    static final String KAFKA_CLIENT_PREFIX = "pluginhost.kafka.client.";

    /** The host's keys, each read by name. */
    static final Set<String> KEYS = Set.of(
            "pluginhost.plugin-dir", "pluginhost.state-file", "pluginhost.shared-state.datasource",
            "pluginhost.shared-state.poll", "pluginhost.node-id",
            "pluginhost.datasource", "pluginhost.tasks.datasource", "pluginhost.database.enabled",
            "pluginhost.database.roles", "pluginhost.database.role-secret", "pluginhost.database.statement-timeout",
            "pluginhost.database.max-rows", "pluginhost.database.max-result-bytes",
            "pluginhost.database.idle-in-transaction-timeout", "pluginhost.database.temp-file-limit-kb",
            "pluginhost.kafka.bootstrap-servers", "pluginhost.kafka.create-topics", "pluginhost.kafka.partitions",
            "pluginhost.kafka.replication-factor", "pluginhost.kafka.sasl.mechanism",
            "pluginhost.kafka.sasl.username", "pluginhost.kafka.sasl.password", "pluginhost.kafka.send-timeout",
            "pluginhost.kafka.request-timeout", "pluginhost.kafka.admin-timeout",
            "pluginhost.kafka.max-consumers-per-plugin",
            "pluginhost.s3.enabled", "pluginhost.s3.access-key", "pluginhost.s3.secret-key", "pluginhost.s3.endpoint",
            "pluginhost.s3.region", "pluginhost.s3.path-style", "pluginhost.s3.create-buckets",
            "pluginhost.s3.call-timeout", "pluginhost.s3.attempt-timeout", "pluginhost.s3.upload-part-bytes",
            "pluginhost.s3.max-download-bytes", "pluginhost.s3.max-list-objects",
            "pluginhost.unload.drain-seconds", "pluginhost.plugin-calls.max-depth",
            "pluginhost.plugin-calls.initialize-seconds", "pluginhost.plugin-calls.cleanup-seconds",
            "pluginhost.plugin-calls.lifecycle-deadlines", "pluginhost.plugin-calls.max-listeners",
            "pluginhost.execute.max-concurrent", "pluginhost.execute.max-concurrent-total",
            "pluginhost.execute.queue-wait", "pluginhost.execute.max-result-chars",
            "pluginhost.leaks.max-heap-mb", "pluginhost.leaks.timeout-seconds",
            "pluginhost.events.remote-delivery-timeout", "pluginhost.events.client-backlog-chars",
            "pluginhost.events.max-clients", "pluginhost.events.heartbeat", "pluginhost.events.max-payload-chars",
            "pluginhost.hot-deploy.enabled", "pluginhost.hot-deploy.quiet-ms", "pluginhost.hot-deploy.rescan",
            "pluginhost.hot-deploy.cascade", "pluginhost.health.failed-plugin-is-down",
            "pluginhost.health.plugin-check-timeout",
            "pluginhost.upload.max-bytes", "pluginhost.admin.trusted-origins", "pluginhost.load-retry.enabled",
            "pluginhost.load-retry.period");

    private static final String ENV_PREFIX = "PLUGINHOST_";
    private static final Set<String> ENV_KEYS = KEYS.stream().map(ConfigKeys::environmentName)
            .collect(Collectors.toUnmodifiableSet());

    private ConfigKeys() {
    }

    /**
     * @param names               the names the configuration lists ({@code Config.getPropertyNames()})
     * @param kafkaClientSettings the names of the settings Kafka's clients take
     * @return one line for each name that looks like one of the host's and that the host does not read, saying
     *         what to do instead; empty if there is none
     */
    static List<String> unread(Iterable<String> names, Set<String> kafkaClientSettings) {
        Set<String> kafkaEnvironmentNames = kafkaClientSettings.stream()
                .map(setting -> environmentName(KAFKA_CLIENT_PREFIX + setting)).collect(Collectors.toSet());
        List<String> unread = new ArrayList<>();
        for (String name : names) {
            // A profile's key (%dev.pluginhost.s3.endpoint) is the key after its profile.
            String key = name.startsWith("%") && name.indexOf('.') > 0 ? name.substring(name.indexOf('.') + 1) : name;
            // A dotted Kafka client key is passed on as it is (Kafka names the ones its clients do not know); a
            // plugin's key is checked where it is read.
            if (key.startsWith("pluginhost.")) {
                if (!KEYS.contains(key) && !key.startsWith(KAFKA_CLIENT_PREFIX) && !key.startsWith(PLUGIN_PREFIX)) {
                    unread.add("configuration key " + name + " is not one the host reads (a typo?); see the"
                            + " README's configuration keys");
                }
            } else if (key.startsWith(ENV_PREFIX) && !ENV_KEYS.contains(key) && !kafkaEnvironmentNames.contains(key)) {
                unread.add(key.startsWith(environmentName(PLUGIN_PREFIX))
                        ? "environment variable " + name + " is not read: a plugin's keys come only from sources"
                                + " that keep the dots (pluginhost.plugin.<plugin>.<setting>: a system property,"
                                + " microprofile-config.properties, a config directory such as a mounted ConfigMap),"
                                + " since a variable's name cannot say where the plugin's name ends"
                        : key.startsWith(environmentName(KAFKA_CLIENT_PREFIX))
                                ? "environment variable " + name + " is not a setting of Kafka's clients"
                                        + " (PLUGINHOST_KAFKA_CLIENT_ and the setting's name, e.g."
                                        + " PLUGINHOST_KAFKA_CLIENT_SECURITY_PROTOCOL)"
                                : "environment variable " + name + " is not one the host reads (a typo?); see the"
                                        + " README's configuration keys");
            }
        }
        return unread;
    }

    /**
     * The names the configuration's sources list, as they list them. SmallRye's environment source lists each
     * variable twice, as it is ({@code PLUGINHOST_PLUGIN_CRM_ALLOWED_TABLES}) and in lower case with dots
     * ({@code pluginhost.plugin.crm.allowed.tables}); the second is a guess at a key, not one, and is left out
     * here, so that a variable is never taken for a misspelt key of a file.
     *
     * @param config the configuration
     * @return the names, without the dotted guesses a source makes of its variables' names
     */
    static Set<String> names(Config config) {
        Set<String> names = new LinkedHashSet<>();
        for (ConfigSource source : config.getConfigSources()) {
            Set<String> listed = source.getPropertyNames();
            Set<String> guesses = listed.stream().filter(name -> name.matches("[A-Z0-9_]+"))
                    .map(name -> name.toLowerCase(Locale.ROOT).replace('_', '.')).collect(Collectors.toSet());
            listed.stream().filter(name -> !guesses.contains(name)).forEach(names::add);
        }
        return names;
    }

    /** @return the name an environment variable has for {@code key}, as MicroProfile Config maps it */
    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
