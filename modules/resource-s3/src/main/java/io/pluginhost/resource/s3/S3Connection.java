package io.pluginhost.resource.s3;

import java.net.URI;
import java.util.Optional;

/**
 * Where the host's S3 is and how to reach it.
 *
 * @param endpoint             the endpoint, or empty for AWS's own
 * @param region               the region, e.g. {@code us-east-1}
 * @param accessKey            the access key
 * @param secretKey            the secret key
 * @param pathStyle            whether to address buckets by path ({@code host/bucket}), as S3-compatible
 *                             servers usually need, rather than by host name
 * @param createMissingBuckets whether to create a plugin's buckets when it loads
 */
public record S3Connection(Optional<URI> endpoint, String region, String accessKey, String secretKey,
                           boolean pathStyle, boolean createMissingBuckets) {

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "S3Connection[endpoint=" + endpoint.map(URI::toString).orElse("aws") + ", region=" + region
                + ", accessKey=" + accessKey + ", pathStyle=" + pathStyle + ", createMissingBuckets="
                + createMissingBuckets + "]";
    }
}
