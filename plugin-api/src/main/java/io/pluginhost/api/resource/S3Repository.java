package io.pluginhost.api.resource;

import io.pluginhost.api.exception.BucketAccessDeniedException;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * S3 access restricted to the plugin's declared buckets. The bucket argument is always required
 * and logical; the host maps it to the physical bucket {@code <plugin>--<bucket>}. Every method
 * throws {@link BucketAccessDeniedException} for an undeclared bucket before touching the network.
 */
public interface S3Repository {

    /**
     * @param key         object key
     * @param body        content
     * @param contentType MIME type, e.g. {@code text/plain}
     * @param bucket      a declared logical bucket
     */
    void upload(String key, byte[] body, String contentType, String bucket);

    /**
     * @param key    object key
     * @param bucket a declared logical bucket
     * @return the object, or empty if there is no such key
     */
    Optional<StoredObject> download(String key, String bucket);

    /**
     * @param key    object key
     * @param bucket a declared logical bucket
     */
    void delete(String key, String bucket);

    /**
     * @param prefix key prefix, {@code ""} for all
     * @param bucket a declared logical bucket
     * @return summaries of the matching objects, by key
     */
    List<ObjectSummary> list(String prefix, String bucket);

    /**
     * @param key    object key
     * @param bucket a declared logical bucket
     * @return whether the object exists
     */
    boolean exists(String key, String bucket);

    /**
     * @param key              object key
     * @param expiresInSeconds validity of the URL
     * @param bucket           a declared logical bucket
     * @return a presigned GET URL
     */
    URI getPresignedUrl(String key, long expiresInSeconds, String bucket);

    /** @return the logical bucket names this plugin may use, as currently in effect */
    List<String> getAllowedBuckets();
}
