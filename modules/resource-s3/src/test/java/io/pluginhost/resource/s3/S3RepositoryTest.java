package io.pluginhost.resource.s3;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.BucketAccessDeniedException;
import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.ObjectSummary;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.api.resource.StoredObject;
import io.pluginhost.devservices.S3DevServer;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 repository against a real S3-compatible server (s3proxy from dev-services). */
class S3RepositoryTest {

    private static final AtomicInteger PLUGINS = new AtomicInteger();
    private static S3DevServer server;
    private static S3RepositoryProvider provider;
    private static S3Client raw;

    @BeforeAll
    static void start() throws Exception {
        server = S3DevServer.start();
        provider = new S3RepositoryProvider(connection(true));
        raw = S3Client.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3DevServer.ACCESS_KEY, S3DevServer.SECRET_KEY)))
                .build();
    }

    static S3Connection connection(boolean createMissingBuckets) {
        return new S3Connection(Optional.of(server.endpoint()), "us-east-1", S3DevServer.ACCESS_KEY,
                S3DevServer.SECRET_KEY, true, createMissingBuckets);
    }

    @AfterAll
    static void stop() throws Exception {
        raw.close();
        provider.close();
        server.close();
    }

    private static String plugin() {
        return "files-" + PLUGINS.incrementAndGet();
    }

    private static S3Repository repository(S3RepositoryProvider with, String plugin, ResourceOverrides overrides,
                                           String... buckets) {
        PluginDescriptor descriptor = new PluginDescriptor(plugin, "1", "", List.of(), List.of(), List.of(),
                List.of(buckets));
        return with.open(ResourceScope.of(plugin, EffectiveResources.of(descriptor, overrides),
                (what, e) -> { throw new IllegalStateException(what, e); }));
    }

    private static List<String> physicalBuckets() {
        return raw.listBuckets().buckets().stream().map(Bucket::name).toList();
    }

    @Test
    void everyOperationWorksOnADeclaredBucketUnderItsPhysicalName() throws Exception {
        String plugin = plugin();
        S3Repository s3 = repository(provider, plugin, ResourceOverrides.NONE, "reports", "images");

        s3.upload("2026/q4.txt", "quarterly".getBytes(StandardCharsets.UTF_8), "text/plain", "reports");
        s3.upload("2026/q3.txt", "older".getBytes(StandardCharsets.UTF_8), "text/plain", "reports");
        s3.upload("other.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain", "reports");

        assertThat(physicalBuckets()).contains(plugin + "--reports", plugin + "--images");
        assertThat(raw.getObjectAsBytes(r -> r.bucket(plugin + "--reports").key("2026/q4.txt")).asUtf8String())
                .isEqualTo("quarterly");
        StoredObject object = s3.download("2026/q4.txt", "reports").orElseThrow();
        assertThat(new String(object.content(), StandardCharsets.UTF_8)).isEqualTo("quarterly");
        assertThat(object.contentType()).isEqualTo("text/plain");
        assertThat(s3.download("missing.txt", "reports")).isEmpty();
        assertThat(s3.exists("2026/q4.txt", "reports")).isTrue();
        assertThat(s3.exists("missing.txt", "reports")).isFalse();
        assertThat(s3.list("2026/", "reports")).extracting(ObjectSummary::key)
                .containsExactly("2026/q3.txt", "2026/q4.txt");
        assertThat(s3.list("", "images")).isEmpty();
        assertThat(read(s3.getPresignedUrl("2026/q4.txt", 60, "reports"))).isEqualTo("quarterly");

        s3.delete("2026/q4.txt", "reports");
        assertThat(s3.exists("2026/q4.txt", "reports")).isFalse();
        assertThat(s3.getAllowedBuckets()).containsExactly("reports", "images");
    }

    @Test
    void withoutKeysTheHostFindsItsCredentialsAsTheAwsSdkDoes() throws Exception {
        // On AWS the host's credentials come from its role (the instance's, the container's, or a service
        // account's web identity on EKS), never from keys in the configuration; here, from system properties,
        // the first place the SDK's default chain looks.
        S3Connection keyless = new S3Connection(Optional.of(server.endpoint()), "us-east-1", null, null, true, true);
        System.setProperty("aws.accessKeyId", S3DevServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3DevServer.SECRET_KEY);
        try (S3RepositoryProvider withDefaultChain = new S3RepositoryProvider(keyless)) {
            assertThat(withDefaultChain.unreachable()).isEmpty();
            String plugin = plugin();
            S3Repository s3 = repository(withDefaultChain, plugin, ResourceOverrides.NONE, "reports");
            s3.upload("a.txt", "found".getBytes(StandardCharsets.UTF_8), "text/plain", "reports");

            assertThat(raw.getObjectAsBytes(r -> r.bucket(plugin + "--reports").key("a.txt")).asUtf8String())
                    .isEqualTo("found");
            assertThat(read(s3.getPresignedUrl("a.txt", 60, "reports"))).isEqualTo("found");
            assertThat(keyless.toString()).contains("default chain");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        assertThatThrownBy(() -> new S3Connection(Optional.empty(), "us-east-1", "only-the-access-key", null, true,
                true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("or neither");
    }

    @Test
    void everyOperationOnAnUndeclaredBucketIsRefusedBeforeReachingTheServer() {
        String plugin = plugin();
        S3Repository s3 = repository(provider, plugin, ResourceOverrides.NONE, "reports");
        List<String> before = physicalBuckets();
        String denied = "plugin '" + plugin + "' has not declared bucket 'secrets'; allowed: [reports]";
        List<Consumer<String>> operations = List.of(
                bucket -> s3.upload("k", new byte[1], "text/plain", bucket),
                bucket -> s3.download("k", bucket),
                bucket -> s3.delete("k", bucket),
                bucket -> s3.list("", bucket),
                bucket -> s3.exists("k", bucket),
                bucket -> s3.getPresignedUrl("k", 60, bucket));

        for (Consumer<String> operation : operations) {
            assertThatThrownBy(() -> operation.accept("secrets"))
                    .isInstanceOf(BucketAccessDeniedException.class).hasMessage(denied);
            assertThatThrownBy(() -> operation.accept(plugin + "--reports"))
                    .isInstanceOf(BucketAccessDeniedException.class);
            assertThatThrownBy(() -> operation.accept(null))
                    .isInstanceOf(BucketAccessDeniedException.class).hasMessageContaining("a bucket is required");
        }
        assertThat(physicalBuckets()).isEqualTo(before);
    }

    @Test
    void aKeyWithDotSegmentsIsRefusedBeforeAServerOrProxyCouldResolveItIntoAnotherBucket() {
        String victim = plugin();
        String attacker = plugin();
        S3Repository theirs = repository(provider, victim, ResourceOverrides.NONE, "secrets");
        theirs.upload("plan.txt", "victim's".getBytes(StandardCharsets.UTF_8), "text/plain", "secrets");
        S3Repository mine = repository(provider, attacker, ResourceOverrides.NONE, "reports");
        List<Consumer<String>> operations = List.of(
                key -> mine.upload(key, new byte[1], "text/plain", "reports"),
                key -> mine.download(key, "reports"),
                key -> mine.delete(key, "reports"),
                key -> mine.exists(key, "reports"),
                key -> mine.getPresignedUrl(key, 60, "reports"));

        for (String key : List.of("../" + victim + "--secrets/plan.txt", "a/../../" + victim + "--secrets/plan.txt",
                "./x", "a/./b", "a/..", "..", ".", "..\\" + victim + "--secrets\\plan.txt")) {
            for (Consumer<String> operation : operations) {
                assertThatThrownBy(() -> operation.accept(key)).as(key)
                        .isInstanceOf(InvalidArgumentException.class)
                        .hasMessageContaining("'.' or '..' segment");
            }
        }
        for (String key : List.of("v1.2/notes.txt", ".hidden", "a..b/c", "...", "%2e%2e/x")) {
            mine.upload(key, key.getBytes(StandardCharsets.UTF_8), "text/plain", "reports");
            assertThat(mine.download(key, "reports")).as(key).isPresent();
        }
        assertThat(new String(theirs.download("plan.txt", "secrets").orElseThrow().content(), StandardCharsets.UTF_8))
                .isEqualTo("victim's");
    }

    @Test
    void nameMapsApplyBeforePrefixing() {
        String plugin = plugin();
        S3Repository s3 = repository(provider, plugin,
                ResourceOverrides.builder().bucketNameMap(Map.of("reports", "shared-reports")).build(), "reports");

        s3.upload("a.txt", "mapped".getBytes(StandardCharsets.UTF_8), "text/plain", "reports");

        assertThat(raw.getObjectAsBytes(r -> r.bucket(plugin + "--shared-reports").key("a.txt")).asUtf8String())
                .isEqualTo("mapped");
    }

    @Test
    void withoutBucketCreationAMissingBucketIsAClearError() {
        try (S3RepositoryProvider noCreate = new S3RepositoryProvider(connection(false))) {
            String plugin = plugin();
            S3Repository s3 = repository(noCreate, plugin, ResourceOverrides.NONE, "absent");

            assertThat(physicalBuckets()).doesNotContain(plugin + "--absent");
            assertThatThrownBy(() -> s3.upload("k", new byte[1], "text/plain", "absent"))
                    .isInstanceOf(PluginException.class)
                    .hasMessageContaining("S3 refused to upload 'k' in bucket 'absent'");
        }
    }

    @Test
    void theExamplePluginArchivesNotesAndAfterAReloadWithNewOverridesUsesTheNewBucket() {
        Path jar = Path.of(System.getProperty("pluginhost.examples.dir", "target/example-plugins"))
                .resolve("example-plugin-repository.jar");
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE.withS3(provider),
                Duration.ofSeconds(5))) {
            engine.load(jar);
            Object first = engine.execute("example-plugin-repository", Map.of("id", 1, "body", "first note"));
            assertThat(first).isEqualTo(Map.of("id", 1, "archived", "notes/1.txt"));
            assertThat(raw.getObjectAsBytes(r -> r.bucket("example-plugin-repository--archive").key("notes/1.txt"))
                    .asUtf8String()).isEqualTo("first note");

            engine.reload("example-plugin-repository",
                    ResourceOverrides.builder().bucketNameMap(Map.of("archive", "archive-v2")).build());
            engine.execute("example-plugin-repository", Map.of("id", 2, "body", "second note"));

            assertThat(raw.getObjectAsBytes(r -> r.bucket("example-plugin-repository--archive-v2").key("notes/2.txt"))
                    .asUtf8String()).isEqualTo("second note");
            assertThat(raw.listObjectsV2(r -> r.bucket("example-plugin-repository--archive")).contents())
                    .extracting(o -> o.key()).containsExactly("notes/1.txt");
        }
    }

    private static String read(URI url) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }
}
