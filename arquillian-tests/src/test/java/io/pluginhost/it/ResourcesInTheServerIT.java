package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plugin inside WildFly reaching the database, Kafka and S3 through its repositories, with a
 * per-plugin override given as a system property (MicroProfile Config) renaming one of its tables,
 * and the Kafka clients' log-in protocol given in the server's environment.
 * The dev services run in this test JVM (see {@code DevServicesAroundTheSuite}); what the plugin
 * wrote is checked with raw clients.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ResourcesInTheServerIT {

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        return new AdminClient(base).json(method, path, json);
    }

    @Test
    void aConfigOverrideBySystemPropertyRenamesThePluginsTable() throws Exception {
        HttpResponse<String> plugin = send("GET", "api/plugins/example-plugin-repository", null);

        assertThat(plugin.body()).contains("\"notes\":\"example-plugin-repository_notes_from_config\"",
                "\"note_tags\":\"example-plugin-repository_note_tags\"");
    }

    @Test
    void aPluginsKeyInTheServersEnvironmentIsNamedInItsLogAndTheHostRuns() throws Exception {
        // The build gives the server PLUGINHOST_PLUGIN_EXAMPLE_PLUGIN_REPOSITORY_ALLOWED_TABLES (see the pom), which
        // stopped the host from starting: SmallRye lists it as a dotted key too, and the host refused that key.
        String log = Files.readString(Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log"));

        assertThat(log).contains("environment variable PLUGINHOST_PLUGIN_EXAMPLE_PLUGIN_REPOSITORY_ALLOWED_TABLES is"
                + " not read");
        assertThat(send("GET", "api/plugins/example-plugin-repository", null).statusCode()).isEqualTo(200);
    }

    @Test
    void thePluginWritesToTheDatabasePublishesToKafkaAndArchivesToS3() throws Exception {
        HttpResponse<String> executed = send("POST", "api/plugins/example-plugin-repository/execute",
                "{\"id\": 42, \"body\": \"through every repository\", \"tags\": [\"it\"], \"readBack\": true,"
                        + " \"export\": true}");

        assertThat(executed.statusCode()).isEqualTo(200);
        assertThat(executed.body()).contains("\"published\":true", "\"archived\":\"notes/42.txt\"",
                "\"readBack\":\"through every repository\"", // streamed back from S3 by the plugin
                "\"exportedBytes\":");
        assertThat(executed.body().toLowerCase()).contains("\"body\":\"through every repository\"");
        // Sent again with a tag too long for its column, the note is not replaced: the plugin replaces it in
        // one transaction, which the failed insert rolls back on the server's data source too. The next note's
        // export shows what the table holds.
        HttpResponse<String> refused = send("POST", "api/plugins/example-plugin-repository/execute",
                "{\"id\": 42, \"body\": \"replaced\", \"tags\": [\"" + "x".repeat(101) + "\"]}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
        assertThat(refused.body()).contains("the database refused the batch's row at index 0 of 1");
        assertThat(send("POST", "api/plugins/example-plugin-repository/execute",
                "{\"id\": 43, \"body\": \"after\", \"tags\": [\"it\"], \"export\": true}").statusCode())
                .isEqualTo(200);

        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(System.getProperty("it.s3.endpoint")))
                .region(Region.US_EAST_1).forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        System.getProperty("it.s3.access-key"), System.getProperty("it.s3.secret-key"))))
                .build()) {
            assertThat(s3.getObjectAsBytes(r -> r.bucket("example-plugin-repository--archive").key("notes/42.txt"))
                    .asUtf8String()).isEqualTo("through every repository");
            // Uploaded from a stream of unknown length, written as the plugin read its table.
            assertThat(s3.getObjectAsBytes(r -> r.bucket("example-plugin-repository--archive")
                    .key("exports/notes.csv")).asUtf8String()).contains("42,\"through every repository\"\n",
                    "43,\"after\"\n");
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", System.getProperty("it.kafka.bootstrap-servers"), "group.id", "it-check",
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("example-plugin-repository_note-events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!values.contains("through every repository") && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        assertThat(values).contains("through every repository");
    }
}
