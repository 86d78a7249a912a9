package io.pluginhost.resource.s3;

import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.BucketAccessDeniedException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.ObjectSummary;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.api.resource.StoredObject;
import io.pluginhost.runtime.resource.HostContext;
import io.pluginhost.runtime.resource.ResourcePolicy;
import io.pluginhost.runtime.resource.ResourceScope;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One plugin's {@link S3Repository}. Every operation resolves the logical bucket through the
 * plugin's policy first, so an undeclared bucket is refused before anything reaches the network;
 * then it runs on the shared client with the host's context class loader.
 */
final class S3BucketRepository implements S3Repository {

    private static final long MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

    private final ResourceScope scope;
    private final ResourcePolicy buckets;
    private final S3Client client;
    private final S3Presigner presigner;

    S3BucketRepository(ResourceScope scope, S3Client client, S3Presigner presigner) {
        this.scope = scope;
        this.buckets = scope.resources().buckets();
        this.client = client;
        this.presigner = presigner;
    }

    @Override
    public void upload(String key, byte[] body, String contentType, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        if (body == null) {
            throw new InvalidArgumentException("body", "body must not be null");
        }
        call("upload", key, bucket, () -> client.putObject(request -> request.bucket(physical).key(key)
                .contentType(contentType == null ? "application/octet-stream" : contentType),
                RequestBody.fromBytes(body)));
    }

    @Override
    public Optional<StoredObject> download(String key, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        return call("download", key, bucket, () -> {
            try {
                ResponseBytes<GetObjectResponse> object = client.getObjectAsBytes(request -> request.bucket(physical)
                        .key(key));
                return Optional.of(new StoredObject(key, object.response().contentType(), object.asByteArray()));
            } catch (NoSuchKeyException missing) {
                return Optional.empty();
            }
        });
    }

    @Override
    public void delete(String key, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        call("delete", key, bucket, () -> client.deleteObject(request -> request.bucket(physical).key(key)));
    }

    @Override
    public List<ObjectSummary> list(String prefix, String bucket) {
        String physical = bucket(bucket);
        String from = prefix == null ? "" : prefix;
        return call("list", from + "*", bucket, () -> client.listObjectsV2Paginator(request -> request
                        .bucket(physical).prefix(from)).contents().stream()
                .map(object -> new ObjectSummary(object.key(), object.size(), object.lastModified()))
                .toList());
    }

    @Override
    public boolean exists(String key, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        return call("exists", key, bucket, () -> {
            try {
                client.headObject(request -> request.bucket(physical).key(key));
                return true;
            } catch (NoSuchKeyException missing) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public URI getPresignedUrl(String key, long expiresInSeconds, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        if (expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
            throw new InvalidArgumentException("expiresInSeconds", "expiresInSeconds must be between 1 and " + MAX_PRESIGN_SECONDS
                    + " (7 days); got " + expiresInSeconds);
        }
        return call("presign", key, bucket, () -> {
            try {
                return presigner.presignGetObject(request -> request
                        .signatureDuration(Duration.ofSeconds(expiresInSeconds))
                        .getObjectRequest(get -> get.bucket(physical).key(key))).url().toURI();
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public List<String> getAllowedBuckets() {
        return buckets.allowed();
    }

    /** The one place a logical bucket becomes physical: refused here, before the network, if undeclared. */
    private String bucket(String logical) {
        if (logical == null || logical.isEmpty()) {
            throw BucketAccessDeniedException.refused("plugin '" + scope.pluginName() + "': a bucket is required;"
                    + " allowed: " + buckets.allowed(), "", buckets.allowed());
        }
        return buckets.physicalName(logical);
    }

    /**
     * A key is 1 to 1024 bytes and has no {@code .} or {@code ..} segment (split at {@code /} and {@code \}). S3
     * itself takes such a key literally, but on a path-style URL a server, a proxy in front of it or a browser
     * following a presigned URL may resolve {@code reports/../other--bucket/x} into another plugin's bucket.
     */
    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new InvalidArgumentException("key", "an object key must be 1 to 1024 bytes; got "
                    + (key == null ? "null" : "'" + key + "'"));
        }
        int segmentStart = 0;
        for (int i = 0; i <= key.length(); i++) {
            if (i == key.length() || key.charAt(i) == '/' || key.charAt(i) == '\\') {
                int length = i - segmentStart;
                if ((length == 1 || length == 2) && key.startsWith("..".substring(0, length), segmentStart)) {
                    throw new InvalidArgumentException("key", "an object key must not have a '.' or '..' segment,"
                            + " which a server or proxy could resolve out of the bucket; got '" + key + "'");
                }
                segmentStart = i + 1;
            }
        }
    }

    private <T> T call(String operation, String key, String bucket, Supplier<T> work) {
        try {
            return HostContext.call(S3BucketRepository.class, work);
        } catch (SdkException e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': S3 refused to " + operation + " '" + key
                    + "' in bucket '" + bucket + "': " + e.getMessage());
        }
    }
}
