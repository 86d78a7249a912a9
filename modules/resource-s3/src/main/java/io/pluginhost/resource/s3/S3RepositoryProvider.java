package io.pluginhost.resource.s3;

import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.runtime.resource.HostContext;
import io.pluginhost.runtime.resource.RepositoryProvider;
import io.pluginhost.runtime.resource.ResourceScope;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.util.Optional;

/**
 * Gives each plugin an {@link S3Repository} over one shared S3 client (clients are thread-safe;
 * the restriction to a plugin's buckets is the repository's, not the client's). Creates a plugin's
 * missing buckets when it loads if the connection says so. Close it when the host stops.
 */
public final class S3RepositoryProvider implements RepositoryProvider<S3Repository>, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(S3RepositoryProvider.class.getName());


    private final AwsCredentialsProvider credentials;
    private final S3Client client;
    private final S3Presigner presigner;
    private final boolean createMissingBuckets;
    private final S3Connection connection;
    private final int maxUploadParts;

    /**
     * @param connection where S3 is
     */
    public S3RepositoryProvider(S3Connection connection) {
        this(connection, S3BucketRepository.MOST_PARTS);
    }

    /** With fewer parts to an upload than S3's 10,000, for tests. */
    S3RepositoryProvider(S3Connection connection, int maxUploadParts) {
        // The default chain is built on the host's context loader: its web identity provider finds the STS
        // client by name, and it caches what it found (and refreshes a role's session before it expires).
        this.credentials = connection.defaultCredentials()
                ? HostContext.call(S3RepositoryProvider.class, () -> DefaultCredentialsProvider.builder().build())
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(connection.accessKey(),
                        connection.secretKey()));
        S3Configuration configuration = S3Configuration.builder().pathStyleAccessEnabled(connection.pathStyle())
                .build();
        Region region = Region.of(connection.region());
        // Bounded below the engine's drain timeout: a hung server costs one call timeout, not 4 x 30 s.
        ClientOverrideConfiguration timeouts = ClientOverrideConfiguration.builder()
                .apiCallTimeout(connection.callTimeout())
                .apiCallAttemptTimeout(connection.attemptTimeout())
                .build();
        this.client = HostContext.call(S3RepositoryProvider.class, () -> {
            var builder = S3Client.builder().region(region).credentialsProvider(credentials)
                    .serviceConfiguration(configuration).overrideConfiguration(timeouts)
                    .httpClient(UrlConnectionHttpClient.builder()
                            .connectionTimeout(connection.attemptTimeout())
                            .socketTimeout(connection.attemptTimeout())
                            .build());
            connection.endpoint().ifPresent(builder::endpointOverride);
            return builder.build();
        });
        this.presigner = HostContext.call(S3RepositoryProvider.class, () -> {
            var builder = S3Presigner.builder().region(region).credentialsProvider(credentials)
                    .serviceConfiguration(configuration);
            connection.endpoint().ifPresent(builder::endpointOverride);
            return builder.build();
        });
        this.createMissingBuckets = connection.createMissingBuckets();
        this.connection = connection;
        this.maxUploadParts = maxUploadParts;
    }

    @Override
    public S3Repository open(ResourceScope scope) {
        if (createMissingBuckets) {
            for (String bucket : scope.resources().buckets().physicalNames().values()) {
                HostContext.call(S3RepositoryProvider.class, () -> {
                    createIfMissing(scope.pluginName(), bucket);
                    return null;
                });
            }
        }
        return new S3BucketRepository(scope, client, presigner, connection, maxUploadParts);
    }

    private void createIfMissing(String plugin, String bucket) {
        try {
            client.headBucket(request -> request.bucket(bucket));
        } catch (NoSuchBucketException missing) {
            try {
                client.createBucket(request -> request.bucket(bucket));
            } catch (BucketAlreadyOwnedByYouException createdMeanwhile) {
                // another node or plugin load won the race: fine
            }
        } catch (SdkException e) {
            // S3 is down or refuses: the plugin loads anyway; its calls fail, typed, until the bucket exists.
            LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'': cannot check or create bucket ''{1}'' now: {2}",
                    plugin, bucket, e.getMessage());
        }
    }

    /**
     * Lists the buckets, within the client's call timeout; for readiness checks.
     *
     * @return why S3 cannot be reached (or refuses the credentials), or empty if it answered
     */
    public Optional<String> unreachable() {
        try {
            HostContext.call(S3RepositoryProvider.class, client::listBuckets);
            return Optional.empty();
        } catch (SdkException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
        if (credentials instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the S3 credentials provider", e);
            }
        }
    }
}
