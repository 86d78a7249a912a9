package io.pluginhost.devservices;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevServicesTest {

    @Test
    void kafkaAcceptsAndDeliversAMessage() throws Exception {
        roundTrip();
    }

    /**
     * The broker's own code upper-cases some settings with the JVM's default locale, where Turkish and
     * Azerbaijani make {@code classic} {@code CLASSİC}: the run command and the tests on a machine in
     * those languages must still start it.
     */
    @Test
    void kafkaStartsAndDeliversWhereTheDefaultLocaleIsTurkish() throws Exception {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            roundTrip();
        } finally {
            Locale.setDefault(before);
        }
    }

    /** A broker refused (here, a setting it rejects) leaves no data directory behind, as a stopped one leaves none. */
    @Test
    void aBrokerThatDoesNotStartLeavesNoDataDirectory(@TempDir Path parent) throws Exception {
        assertThatThrownBy(() -> KafkaDevServer.start(Map.of("num.partitions", "none"), parent))
                .hasMessageContaining("num.partitions");
        try (var left = Files.list(parent)) {
            assertThat(left).as("left in the parent").isEmpty();
        }
        try (KafkaDevServer started = KafkaDevServer.start(Map.of(), parent)) {
            assertThat(started.bootstrapServers()).startsWith("127.0.0.1:");
        }
        try (var left = Files.list(parent)) {
            assertThat(left).as("left in the parent after a close").isEmpty();
        }
    }

    private static void roundTrip() throws Exception {
        try (KafkaDevServer kafka = KafkaDevServer.start()) {
            Map<String, Object> common = Map.of("bootstrap.servers", kafka.bootstrapServers());
            try (Admin admin = Admin.create(common)) {
                admin.createTopics(List.of(new NewTopic("smoke", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(common, new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>("smoke", "k", "hello")).get();
            }
            List<String> received = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers(), "group.id", "smoke", "auto.offset.reset", "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("smoke"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        received.add(record.key() + "=" + record.value());
                    }
                }
            }
            assertThat(received).containsExactly("k=hello");
        }
    }

    @Test
    void s3StoresAndReturnsAnObject() throws Exception {
        try (S3DevServer s3 = S3DevServer.start();
             S3Client client = S3Client.builder()
                     .endpointOverride(s3.endpoint())
                     .region(Region.US_EAST_1)
                     .forcePathStyle(true)
                     .httpClient(UrlConnectionHttpClient.create())
                     .credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create(S3DevServer.ACCESS_KEY, S3DevServer.SECRET_KEY)))
                     .build()) {
            client.createBucket(b -> b.bucket("smoke-bucket"));
            client.putObject(b -> b.bucket("smoke-bucket").key("a.txt"), RequestBody.fromString("content"));

            assertThat(client.getObjectAsBytes(b -> b.bucket("smoke-bucket").key("a.txt")).asUtf8String())
                    .isEqualTo("content");
        }
    }
}
