package io.pluginhost.resource.s3;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.BucketAccessDeniedException;
import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.S3LimitExceededException;
import io.pluginhost.api.resource.ObjectStream;
import io.pluginhost.api.resource.ObjectSummary;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.api.resource.StoredObject;
import io.pluginhost.devservices.S3DevServer;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
                bucket -> s3.getPresignedUrl("k", 60, bucket),
                bucket -> s3.upload("k", new ByteArrayInputStream(new byte[1]), 1, "text/plain", bucket),
                bucket -> s3.openStream("k", bucket),
                bucket -> s3.list("", null, 10, bucket));

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
        List<Consumer<String>> operations = keyOperations(mine, "reports");

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

    /** @return every operation of the repository that takes a key, on that bucket */
    private static List<Consumer<String>> keyOperations(S3Repository s3, String bucket) {
        return List.of(
                key -> s3.upload(key, new byte[1], "text/plain", bucket),
                key -> s3.download(key, bucket),
                key -> s3.delete(key, bucket),
                key -> s3.exists(key, bucket),
                key -> s3.getPresignedUrl(key, 60, bucket));
    }

    /**
     * A key with a leading {@code /} was refused by s3proxy as a plain {@code PluginException} (400) and taken
     * by AWS as a key other than the one without it, so the same plugin behaved differently in development
     * and in production, and tools that join bucket and key show the two alike.
     */
    @Test
    void aKeyWithALeadingSlashIsRefusedTheSameWayOnEveryStore() {
        S3Repository mine = repository(provider, plugin(), ResourceOverrides.NONE, "reports");
        List<Consumer<String>> operations = keyOperations(mine, "reports");

        for (String key : List.of("/notes.txt", "//notes.txt", "/", "\\notes.txt")) {
            for (Consumer<String> operation : operations) {
                assertThatThrownBy(() -> operation.accept(key)).as(key)
                        .isInstanceOf(InvalidArgumentException.class)
                        .hasMessageContaining("must not start with '/'");
            }
        }
        for (String key : List.of("folder/", "a//b", "a/b/")) {
            mine.upload(key, key.getBytes(StandardCharsets.UTF_8), "text/plain", "reports");
            assertThat(mine.download(key, "reports")).as(key).isPresent();
        }
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

    @Test
    void aDownloadOverTheLimitIsATypedErrorThatPointsToTheStream() throws Exception {
        try (S3RepositoryProvider limited = new S3RepositoryProvider(connection(true).withLimits(1024, 5))) {
            String plugin = plugin();
            S3Repository s3 = repository(limited, plugin, ResourceOverrides.NONE, "files");
            s3.upload("at-the-limit", new byte[1024], "application/octet-stream", "files");
            s3.upload("over-the-limit", new byte[1025], "application/octet-stream", "files");

            assertThat(s3.download("at-the-limit", "files").orElseThrow().content()).hasSize(1024);
            assertThatThrownBy(() -> s3.download("over-the-limit", "files"))
                    .isInstanceOfSatisfying(S3LimitExceededException.class,
                            e -> assertThat(e.limit()).isEqualTo("max download bytes"))
                    .hasMessageContaining("plugin '" + plugin + "'")
                    .hasMessageContaining("'over-the-limit' in bucket 'files' is 1025 bytes")
                    .hasMessageContaining("pluginhost.s3.max-download-bytes (1024)")
                    .hasMessageContaining("openStream");
            // The refused object's connection went back: the host still reads within its limit.
            assertThat(s3.download("at-the-limit", "files")).isPresent();
        }
    }

    @Test
    void aListingOverTheLimitIsATypedErrorAndPagesListEveryObject() {
        try (S3RepositoryProvider limited = new S3RepositoryProvider(connection(true).withLimits(1024, 5))) {
            String plugin = plugin();
            S3Repository s3 = repository(limited, plugin, ResourceOverrides.NONE, "files");
            for (int i = 1; i <= 7; i++) {
                s3.upload("logs/" + i, new byte[i], "text/plain", "files");
            }
            s3.upload("other", new byte[1], "text/plain", "files");

            assertThatThrownBy(() -> s3.list("logs/", "files"))
                    .isInstanceOfSatisfying(S3LimitExceededException.class,
                            e -> assertThat(e.limit()).isEqualTo("max list objects"))
                    .hasMessageContaining("more than 5 objects under 'logs/' in bucket 'files'")
                    .hasMessageContaining("pluginhost.s3.max-list-objects");
            assertThat(s3.list("other", "files")).extracting(ObjectSummary::key).containsExactly("other");
        }
    }

    @Test
    void keysXmlCannotCarryAreListedAsTheyWereStored() {
        // XML 1.0 has no way to write most control characters: unencoded, one such key broke every listing of
        // its bucket ("Could not parse XML response"), so a key taken from user input could hide the rest.
        String plugin = plugin();
        S3Repository s3 = repository(provider, plugin, ResourceOverrides.NONE, "files");
        List<String> stored = List.of("in/bell\u0007", "in/plus+and space", "in/percent%20", "in/tab\tand\u0001",
                "in/\u00e9t\u00e9 \u2603");
        for (String key : stored) {
            s3.upload(key, key.getBytes(StandardCharsets.UTF_8), "text/plain", "files");
        }

        assertThat(s3.list("in/", "files")).extracting(ObjectSummary::key).containsExactlyInAnyOrderElementsOf(stored);
        assertThat(s3.list("in/", null, 10, "files")).extracting(ObjectSummary::key)
                .containsExactlyInAnyOrderElementsOf(stored);
        assertThat(s3.list("in/tab\t", "in/", 10, "files")).extracting(ObjectSummary::key)
                .containsExactly("in/tab\tand\u0001");
    }

    @Test
    void aContentTypeThatIsNoHeaderValueIsATypedRefusalAndStoresNothing() {
        String plugin = plugin();
        S3Repository s3 = repository(provider, plugin, ResourceOverrides.NONE, "files");
        List<Consumer<String>> uploads = List.of(
                type -> s3.upload("a.txt", new byte[1], type, "files"),
                type -> s3.upload("a.txt", new ByteArrayInputStream(new byte[1]), 1, type, "files"),
                type -> s3.upload("a.txt", new ByteArrayInputStream(new byte[1]), type, "files"));

        for (String type : List.of("text/plain\r\nX-Evil: 1", "text/plain\n", "text/\u0000plain", "text/pl\u00e4in")) {
            for (Consumer<String> upload : uploads) {
                assertThatThrownBy(() -> upload.accept(type)).as(type)
                        .isInstanceOf(InvalidArgumentException.class)
                        .hasMessageContaining("content type");
            }
        }
        assertThat(s3.exists("a.txt", "files")).isFalse();
        s3.upload("b.bin", new byte[1], "", "files");
        assertThat(s3.download("b.bin", "files").orElseThrow().contentType()).isEqualTo("application/octet-stream");
        s3.upload("a.txt", new byte[1], "text/csv", "files");
        assertThat(s3.download("a.txt", "files").orElseThrow().contentType()).isEqualTo("text/csv");
    }

    @Test
    void pagesListEveryObjectInKeyOrder() {
        String plugin = plugin();
        S3Repository s3 = repository(provider, plugin, ResourceOverrides.NONE, "files");
        for (int i = 1; i <= 7; i++) {
            s3.upload("logs/" + i, new byte[i], "text/plain", "files");
        }
        s3.upload("other", new byte[1], "text/plain", "files");

        List<String> keys = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String after = null;
        List<ObjectSummary> page;
        do {
            page = s3.list("logs/", after, 3, "files");
            pageSizes.add(page.size());
            page.forEach(summary -> keys.add(summary.key()));
            after = page.isEmpty() ? after : page.get(page.size() - 1).key();
        } while (page.size() == 3);

        assertThat(pageSizes).containsExactly(3, 3, 1);
        assertThat(keys).containsExactly("logs/1", "logs/2", "logs/3", "logs/4", "logs/5", "logs/6", "logs/7");
        assertThat(s3.list("logs/", "logs/6", 3, "files")).extracting(ObjectSummary::size).containsExactly(7L);
        for (int limit : new int[] {0, -1, 1001}) {
            assertThatThrownBy(() -> s3.list("", null, limit, "files")).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("1 to 1000");
        }
    }

    @Test
    void aPluginStreamsAnObjectLargerThanItCouldDownloadBothWays() throws Exception {
        long size = 3L * 1024 * 1024 + 17;
        try (S3RepositoryProvider limited = new S3RepositoryProvider(connection(true).withLimits(1024, 5))) {
            S3Repository s3 = repository(limited, plugin(), ResourceOverrides.NONE, "files");

            s3.upload("big.bin", new Generated(size), size, "application/x-test", "files");

            assertThatThrownBy(() -> s3.download("big.bin", "files")).isInstanceOf(S3LimitExceededException.class);
            try (ObjectStream stream = s3.openStream("big.bin", "files").orElseThrow()) {
                assertThat(stream.key()).isEqualTo("big.bin");
                assertThat(stream.contentType()).isEqualTo("application/x-test");
                assertThat(stream.contentLength()).isEqualTo(size);
                assertThat(digest(stream)).isEqualTo(digest(new Generated(size)));
            }
            assertThat(s3.openStream("missing.bin", "files")).isEmpty();
        }
    }

    @Test
    void aStreamThatEndsBeforeItsLengthStoresNothingAndSaysWhy() {
        S3Repository s3 = repository(provider, plugin(), ResourceOverrides.NONE, "files");

        assertThatThrownBy(() -> s3.upload("short.bin", new Generated(50), 100, "text/plain", "files"))
                .isInstanceOf(PluginException.class).hasMessageContaining("'short.bin'");
        assertThat(s3.exists("short.bin", "files")).isFalse();
        assertThatThrownBy(() -> s3.upload("k", new Generated(1), -1, "text/plain", "files"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("length");
        assertThatThrownBy(() -> s3.upload("k", (InputStream) null, 1, "text/plain", "files"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("body");
    }

    @Test
    void aStreamOfUnknownLengthIsStoredWholeInOnePutOrInParts() throws Exception {
        int part = (int) S3Connection.LEAST_UPLOAD_PART_BYTES;
        try (S3RepositoryProvider parted = new S3RepositoryProvider(connection(true).withUploadPartBytes(part))) {
            String plugin = plugin();
            S3Repository s3 = repository(parted, plugin, ResourceOverrides.NONE, "files");
            // Empty, short, exactly one part, and two parts and a bit (three parts, the last short).
            for (long size : new long[] {0, 100, part, 2L * part + 17}) {
                String key = "unknown-" + size;

                assertThat(s3.upload(key, new Generated(size), "application/x-test", "files")).isEqualTo(size);

                try (ObjectStream stream = s3.openStream(key, "files").orElseThrow()) {
                    assertThat(stream.contentLength()).isEqualTo(size);
                    assertThat(stream.contentType()).isEqualTo("application/x-test");
                    assertThat(digest(stream)).isEqualTo(digest(new Generated(size)));
                }
            }
            assertThat(uploadsInProgress(plugin + "--files")).isEmpty();
        }
    }

    @Test
    void aStreamThatFailsHalfwayStoresNothingAndLeavesNoPartsBehind() {
        int part = (int) S3Connection.LEAST_UPLOAD_PART_BYTES;
        try (S3RepositoryProvider parted = new S3RepositoryProvider(connection(true).withUploadPartBytes(part))) {
            String plugin = plugin();
            S3Repository s3 = repository(parted, plugin, ResourceOverrides.NONE, "files");
            InputStream failsInTheSecondPart = new SequenceInputStream(new Generated(part + 1000), new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("disk gone");
                }
            });

            assertThatThrownBy(() -> s3.upload("broken.bin", failsInTheSecondPart, "text/plain", "files"))
                    .isInstanceOf(PluginException.class).hasMessageContaining("plugin '" + plugin + "'")
                    .hasMessageContaining("'broken.bin'").hasMessageContaining("disk gone")
                    .satisfies(e -> assertThat(e.getCause()).isNull());
            assertThat(s3.exists("broken.bin", "files")).isFalse();
            assertThat(uploadsInProgress(plugin + "--files")).isEmpty();
            assertThatThrownBy(() -> s3.upload("k", (InputStream) null, "text/plain", "files"))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("body");
        }
    }

    @Test
    void aStreamLongerThanTheMostPartsIsATypedErrorAndStoresNothing() {
        int part = (int) S3Connection.LEAST_UPLOAD_PART_BYTES;
        try (S3RepositoryProvider parted = new S3RepositoryProvider(connection(true).withUploadPartBytes(part), 2)) {
            String plugin = plugin();
            S3Repository s3 = repository(parted, plugin, ResourceOverrides.NONE, "files");

            assertThat(s3.upload("two-parts", new Generated(2L * part), "text/plain", "files")).isEqualTo(2L * part);
            assertThatThrownBy(() -> s3.upload("too-long", new Generated(2L * part + 1), "text/plain", "files"))
                    .isInstanceOfSatisfying(S3LimitExceededException.class,
                            e -> assertThat(e.limit()).isEqualTo("max upload parts"))
                    .hasMessageContaining("'too-long' in bucket 'files'")
                    .hasMessageContaining("2 parts of " + part + " bytes")
                    .hasMessageContaining("pluginhost.s3.upload-part-bytes");
            assertThat(s3.exists("too-long", "files")).isFalse();
            assertThat(uploadsInProgress(plugin + "--files")).isEmpty();
        }
    }

    @Test
    void unloadAbortsAnUploadInFlightAndTheUploaderSaysSo() throws Exception {
        int part = (int) S3Connection.LEAST_UPLOAD_PART_BYTES;
        try (S3RepositoryProvider parted = new S3RepositoryProvider(connection(true).withUploadPartBytes(part))) {
            String plugin = plugin();
            S3BucketRepository s3 = (S3BucketRepository) repository(parted, plugin, ResourceOverrides.NONE, "files");
            CountDownLatch secondPartAskedFor = new CountDownLatch(1);
            CountDownLatch unloaded = new CountDownLatch(1);
            InputStream waitsInTheSecondPart = new SequenceInputStream(new Generated(part), new InputStream() {
                @Override
                public int read() throws IOException {
                    secondPartAskedFor.countDown(); // the first part is in S3 now
                    try {
                        unloaded.await();
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                    }
                    return 7;
                }
            });
            CompletableFuture<Long> uploading = CompletableFuture.supplyAsync(
                    () -> s3.upload("cut.bin", waitsInTheSecondPart, "text/plain", "files"));
            assertThat(secondPartAskedFor.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(uploadsInProgress(plugin + "--files")).hasSize(1);

            s3.close(); // what the engine does when the plugin unloads

            assertThat(uploadsInProgress(plugin + "--files")).isEmpty();
            unloaded.countDown();
            assertThatThrownBy(() -> uploading.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(PluginException.class)
                    .hasMessageContaining("plugin '" + plugin + "' was unloaded")
                    .hasMessageContaining("'cut.bin'");
            assertThat(raw.listObjectsV2(r -> r.bucket(plugin + "--files")).contents()).isEmpty();
            assertThat(uploadsInProgress(plugin + "--files")).isEmpty();
        }
    }

    @Test
    void aPartSizeS3WouldRefuseIsRefusedWithItsKey() {
        for (long bytes : new long[] {S3Connection.LEAST_UPLOAD_PART_BYTES - 1,
                S3Connection.MOST_UPLOAD_PART_BYTES + 1}) {
            assertThatThrownBy(() -> connection(true).withUploadPartBytes(bytes))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upload part bytes " + bytes);
        }
        assertThat(connection(true).uploadPartBytes()).isEqualTo(S3Connection.DEFAULT_UPLOAD_PART_BYTES);
    }

    /** @return the keys of the multipart uploads S3 keeps open in the bucket (parts stored, not yet an object) */
    private static List<String> uploadsInProgress(String bucket) {
        return raw.listMultipartUploads(r -> r.bucket(bucket)).uploads().stream().map(MultipartUpload::key).toList();
    }

    @Test
    void unloadClosesTheStreamsAPluginLeftOpenAndForgetsTheOnesItClosed() throws Exception {
        String plugin = plugin();
        S3Repository s3 = repository(provider, plugin, ResourceOverrides.NONE, "files");
        s3.upload("a.bin", new Generated(256 * 1024), 256 * 1024, "application/octet-stream", "files");
        S3BucketRepository repository = (S3BucketRepository) s3;

        ObjectStream closedByThePlugin = s3.openStream("a.bin", "files").orElseThrow();
        closedByThePlugin.read(new byte[10]);
        closedByThePlugin.close();
        ObjectStream halfRead = s3.openStream("a.bin", "files").orElseThrow();
        halfRead.read(new byte[10]);
        ObjectStream unread = s3.openStream("a.bin", "files").orElseThrow();
        assertThat(repository.openStreams()).isEqualTo(2);

        repository.close(); // what the engine does when the plugin unloads

        assertThat(repository.openStreams()).isZero();
        for (ObjectStream left : List.of(halfRead, unread)) {
            assertThatThrownBy(left::read).isInstanceOf(IOException.class)
                    .hasMessageContaining("plugin '" + plugin + "' was unloaded");
        }
        // The aborted streams gave their connections back: every other plugin still reads.
        S3Repository other = repository(provider, plugin(), ResourceOverrides.NONE, "files");
        other.upload("b.txt", "still here".getBytes(StandardCharsets.UTF_8), "text/plain", "files");
        assertThat(other.download("b.txt", "files")).isPresent();
    }

    @Test
    void aPluginHoldsAtMostSixtyFourOpenStreamsAndClosingOneFreesItsPlace() throws Exception {
        // Each open stream is a socket, and the repository keeps it until the plugin unloads: a plugin that forgets
        // to close them would otherwise run the server out of file descriptors.
        String plugin = plugin();
        S3Repository s3 = repository(provider, plugin, ResourceOverrides.NONE, "files");
        s3.upload("a.bin", new byte[16], "application/octet-stream", "files");
        List<ObjectStream> open = new ArrayList<>();
        for (int i = 0; i < S3BucketRepository.MAX_OPEN_STREAMS; i++) {
            open.add(s3.openStream("a.bin", "files").orElseThrow());
        }

        assertThatThrownBy(() -> s3.openStream("a.bin", "files"))
                .isInstanceOfSatisfying(S3LimitExceededException.class,
                        e -> assertThat(e.limit()).isEqualTo("max open streams"))
                .hasMessageContaining("plugin '" + plugin + "' has 64 object streams open")
                .hasMessageContaining("close one");
        open.remove(0).close();
        try (ObjectStream again = s3.openStream("a.bin", "files").orElseThrow()) {
            assertThat(again.readAllBytes()).hasSize(16);
        }
        assertThat(s3.download("a.bin", "files")).as("the other calls go on").isPresent();
        ((S3BucketRepository) s3).close();
    }

    @Test
    void aStreamAPluginKeepsIsClosedWhenItUnloadsAndItsLoaderIsCollected(@TempDir Path dir) throws Exception {
        Path jar = PluginJarBuilder.plugin("streamer").buckets("files").body("""
                private PluginContext context;
                private java.io.InputStream kept;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) throws Exception {
                    S3Repository s3 = context.s3().orElseThrow();
                    s3.upload("big.bin", new byte[512 * 1024], "application/octet-stream", "files");
                    kept = s3.openStream("big.bin", "files").orElseThrow();
                    kept.read(new byte[16]);
                    return kept;
                }""").build(dir);
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE.withS3(provider),
                Duration.ofSeconds(5))) {
            engine.load(jar);
            InputStream kept = (InputStream) engine.execute("streamer", null);
            assertThat(kept.read()).isNotNegative();

            engine.unload("streamer");

            assertThatThrownBy(kept::read).isInstanceOf(IOException.class)
                    .hasMessageContaining("plugin 'streamer' was unloaded");
            assertThat(Gc.collectsAll(engine::unloadedButNotCollected)).as("loaders collected: still alive %s",
                    engine.unloadedButNotCollected()).isTrue();
        }
    }

    private static String digest(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            sha.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** {@code size} bytes made up as they are read, never held: a stream of a file too large for memory. */
    private static final class Generated extends InputStream {
        private final long size;
        private long position;

        Generated(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? (int) (position++ * 31 % 251) : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - position);
            for (int i = 0; i < n; i++) {
                into[offset + i] = (byte) (position++ * 31 % 251);
            }
            return n;
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
