package io.pluginhost.host;

import io.pluginhost.resource.kafka.KafkaConnection;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keys the host reads, through SmallRye Config (the implementation WildFly runs) with an environment and a
 * properties file as sources, as in a container.
 */
class ConfigKeysTest {

    @Test
    void kafkaClientSettingsComeFromTheEnvironmentToo() {
        // On Kubernetes a TLS set-up comes as environment variables; the host used to list keys by their dotted
        // names only, and left the clients on plain text without a word.
        SmallRyeConfig config = TestConfig.of(
                Map.of("PLUGINHOST_KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL",
                        "PLUGINHOST_KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12"),
                Map.of("pluginhost.kafka.client.ssl.truststore.type", "PKCS12",
                        "pluginhost.kafka.client.security.protocol", "PLAINTEXT",
                        "pluginhost.kafka.client.schema.registry.url", "http://registry:8081"));

        KafkaConnection connection = PluginHost.kafkaConnection(config, "kafka:9093");

        assertThat(connection.clientProperties()).isEqualTo(Map.of(
                "security.protocol", "SSL", // the environment beats the file, as everywhere in MicroProfile Config
                "ssl.truststore.location", "/etc/kafka/truststore.p12",
                "ssl.truststore.type", "PKCS12",
                "schema.registry.url", "http://registry:8081")); // not Kafka's, passed on to the clients' plug-ins
    }

    @Test
    void aKeyTheHostDoesNotReadIsReportedWithWhatToDoInstead() {
        SmallRyeConfig config = TestConfig.of(
                Map.of("PLUGINHOST_S3_ACCESS_KEY", "AKIA", "PLUGINHOST_PLUGIN_DIR", "/plugins",
                        "PLUGINHOST_KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL",
                        "PLUGINHOST_KAFKA_CLIENT_SECURTY_PROTOCOL", "SSL",
                        "PLUGINHOST_PLUGIN_CRM_ALLOWED_TABLES", "orders",
                        "PLUGINHOST_S3_ACESS_KEY", "AKIA", "JAVA_HOME", "/usr/lib/jvm"),
                Map.of("pluginhost.s3.endpoint", "http://s3:9000", "%dev.pluginhost.s3.endpoint", "http://localhost",
                        "%dev.pluginhost.s3.endpont", "http://localhost", "pluginhost.upload.max-byte", "1",
                        "pluginhost.plugin.crm.allowed-tables", "orders",
                        "pluginhost.kafka.client.schema.registry.url", "http://registry:8081",
                        "other.library.key", "x"));

        List<String> unread = ConfigKeys.unread(ConfigKeys.names(config), KafkaConnection.clientSettingNames());

        assertThat(unread).hasSize(5).anySatisfy(line -> assertThat(line)
                        .startsWith("environment variable PLUGINHOST_PLUGIN_CRM_ALLOWED_TABLES is not read")
                        .contains("pluginhost.plugin.<plugin>.<setting>", "mounted ConfigMap"))
                .anySatisfy(line -> assertThat(line).startsWith("environment variable"
                        + " PLUGINHOST_KAFKA_CLIENT_SECURTY_PROTOCOL is not a setting of Kafka's clients"))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("environment variable PLUGINHOST_S3_ACESS_KEY is not one the host reads"))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("configuration key pluginhost.upload.max-byte is not one the host reads"))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("configuration key %dev.pluginhost.s3.endpont is not one the host reads"));
    }

    @Test
    void theReadmeListsEveryKeyTheHostReadsAndNoOther() throws IOException {
        Set<String> listed = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (!line.startsWith("| `pluginhost.")) {
                continue;
            }
            // "| `pluginhost.kafka.send-timeout` / `.request-timeout` | ..." names pluginhost.kafka.request-timeout: a
            // part that starts with a dot replaces as many segments at the end of the first key as it has.
            String[] parts = line.substring(2, line.indexOf(" |", 2)).replace("`", "").split(" / ");
            for (String part : parts) {
                String key = parts[0];
                if (part.startsWith(".")) {
                    for (int segments = part.split("\\.").length - 1; segments > 0; segments--) {
                        key = key.substring(0, key.lastIndexOf('.'));
                    }
                }
                listed.add(part.startsWith(".") ? key + part : part);
            }
        }
        Set<String> read = new TreeSet<>(ConfigKeys.KEYS);
        read.add(ConfigKeys.KAFKA_CLIENT_PREFIX + "<setting>");
        for (String pluginKey : List.of("datasource", "allowed-tables", "allowed-topics", "allowed-buckets",
                "table-name-map.<logical>", "topic-name-map.<logical>", "bucket-name-map.<logical>", "config.<key>")) {
            read.add(ConfigKeys.PLUGIN_PREFIX + "<plugin>." + pluginKey);
        }

        assertThat(listed).isEqualTo(read);
    }

    @Test
    void theKeysAreTheOnesTheCodeReads() throws IOException {
        Pattern read = Pattern.compile("(?:getOptionalValue\\(|getValue\\(|name = )\\s*\"(pluginhost\\.[a-z0-9.-]*[a-z0-9])\"");
        Set<String> inCode = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of(".."))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("src/main/java"))
                    .toList()) {
                read.matcher(Files.readString(file)).results().forEach(found -> inCode.add(found.group(1)));
            }
        }

        assertThat(inCode).hasSizeGreaterThan(40).isEqualTo(new TreeSet<>(ConfigKeys.KEYS));
    }
}
