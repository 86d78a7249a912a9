package io.pluginhost.benchmarks;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.resource.KafkaMessage;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.devservices.KafkaDevServer;
import io.pluginhost.devservices.S3DevServer;
import io.pluginhost.resource.kafka.KafkaConnection;
import io.pluginhost.resource.kafka.KafkaRepositoryProvider;
import io.pluginhost.resource.s3.S3Connection;
import io.pluginhost.resource.s3.S3RepositoryProvider;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * Throughput of the Kafka and S3 repositories against the raw clients with the same settings, in
 * the same run, on the dev services (loopback): 100,000 small messages in sends of 1,000 (acks=all,
 * each send waits for its acknowledgements), and 1,000 small objects uploaded then downloaded.
 * Rounds alternate raw and repository so drift affects both; the best of five rounds is reported.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.pluginhost.benchmarks.ResourceThroughput}.
 */
public final class ResourceThroughput {

    private static final int MESSAGES = 100_000;
    private static final int BATCH = 1_000;
    private static final int OBJECTS = 1_000;
    private static final int ROUNDS = 5;

    private ResourceThroughput() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        PluginDescriptor bench = new PluginDescriptor("bench", "1", "", List.of(), List.of(), List.of("load"),
                List.of("objects"));
        ResourceScope scope = ResourceScope.of("bench", EffectiveResources.of(bench, ResourceOverrides.NONE),
                (what, e) -> {
                    throw new IllegalStateException(what, e);
                });
        try (KafkaDevServer kafka = KafkaDevServer.start(); S3DevServer s3 = S3DevServer.start()) {
            kafka(kafka, scope);
            s3(s3, scope);
        }
    }

    private static void kafka(KafkaDevServer server, ResourceScope scope) throws Exception {
        try (KafkaRepositoryProvider provider = new KafkaRepositoryProvider(
                KafkaConnection.forDevelopment(server.bootstrapServers()), Thread::new)) {
            KafkaRepository repository = provider.open(scope);
            String physical = scope.resources().topics().physicalName("load");
            List<KafkaMessage> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                batch.add(new KafkaMessage("k" + i, "small message " + i, Map.of()));
            }
            Map<String, Object> settings = Map.of("bootstrap.servers", server.bootstrapServers(), "acks", "all");
            try (KafkaProducer<String, String> raw = new KafkaProducer<>(settings, new StringSerializer(),
                    new StringSerializer())) {
                double[] rawRate = new double[ROUNDS];
                double[] repoRate = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    long start = System.nanoTime();
                    for (int sent = 0; sent < MESSAGES; sent += BATCH) {
                        List<Future<RecordMetadata>> acks = new ArrayList<>(BATCH);
                        for (KafkaMessage message : batch) {
                            acks.add(raw.send(new ProducerRecord<>(physical, message.key(), message.value())));
                        }
                        for (Future<RecordMetadata> ack : acks) {
                            ack.get();
                        }
                    }
                    rawRate[round] = MESSAGES / seconds(start);
                    start = System.nanoTime();
                    for (int sent = 0; sent < MESSAGES; sent += BATCH) {
                        repository.sendMessage("load", batch);
                    }
                    repoRate[round] = MESSAGES / seconds(start);
                }
                report("Kafka: 100,000 messages, sends of 1,000, acks=all", "messages/s", rawRate, repoRate);
            }
            ((AutoCloseable) repository).close();
        }
    }

    private static void s3(S3DevServer server, ResourceScope scope) throws Exception {
        S3Connection connection = new S3Connection(Optional.of(server.endpoint()), "us-east-1",
                S3DevServer.ACCESS_KEY, S3DevServer.SECRET_KEY, true, true);
        try (S3RepositoryProvider provider = new S3RepositoryProvider(connection);
             S3Client raw = S3Client.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                     .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
                     .credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create(S3DevServer.ACCESS_KEY, S3DevServer.SECRET_KEY)))
                     .build()) {
            S3Repository repository = provider.open(scope);
            String physical = scope.resources().buckets().physicalName("objects");
            byte[] body = new byte[1024];
            Arrays.fill(body, (byte) 'x');
            double[] rawRate = new double[ROUNDS];
            double[] repoRate = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < OBJECTS; i++) {
                    String key = "raw/" + i;
                    raw.putObject(r -> r.bucket(physical).key(key).contentType("text/plain"), RequestBody.fromBytes(body));
                }
                for (int i = 0; i < OBJECTS; i++) {
                    String key = "raw/" + i;
                    raw.getObjectAsBytes(r -> r.bucket(physical).key(key)).asByteArray();
                }
                rawRate[round] = 2 * OBJECTS / seconds(start);
                start = System.nanoTime();
                for (int i = 0; i < OBJECTS; i++) {
                    repository.upload("repo/" + i, body, "text/plain", "objects");
                }
                for (int i = 0; i < OBJECTS; i++) {
                    repository.download("repo/" + i, "objects").orElseThrow();
                }
                repoRate[round] = 2 * OBJECTS / seconds(start);
            }
            report("S3: 1,000 objects of 1 KiB uploaded, then downloaded", "operations/s", rawRate, repoRate);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static void report(String what, String unit, double[] raw, double[] repository) {
        double bestRaw = Arrays.stream(raw).max().orElseThrow();
        double bestRepository = Arrays.stream(repository).max().orElseThrow();
        System.out.printf(Locale.ROOT, "%s%n  raw client:  %,.0f %s (rounds %s)%n  repository:  %,.0f %s (rounds %s)%n"
                        + "  repository / raw: %.2f%n", what, bestRaw, unit, rates(raw), bestRepository, unit,
                rates(repository), bestRepository / bestRaw);
    }

    private static String rates(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%,.0f", v)).toList().toString();
    }
}
