package io.pluginhost.resource.s3;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the host's S3 is and how to reach it.
 *
 * @param endpoint             the endpoint, or empty for AWS's own
 * @param region               the region, e.g. {@code us-east-1}
 * @param accessKey            the access key, or null for the AWS SDK's default credentials chain (system
 *                             properties, environment, a web identity token as on EKS, the profile file, the
 *                             container's or instance's role)
 * @param secretKey            the secret key; null exactly when the access key is
 * @param pathStyle            whether to address buckets by path ({@code host/bucket}), as S3-compatible
 *                             servers usually need, rather than by host name
 * @param createMissingBuckets whether to create a plugin's buckets when it loads
 * @param callTimeout          how long one repository call may take in all, retries included
 * @param attemptTimeout       how long one attempt (one HTTP request) may take
 * @param maxDownloadBytes     the largest object {@code download} reads into memory
 * @param maxListObjects       the most objects {@code list} returns in one list
 * @param uploadPartBytes      the size of a part when a stream of unknown length is uploaded in parts: the
 *                             heap one such upload holds while it runs
 */
public record S3Connection(Optional<URI> endpoint, String region, String accessKey, String secretKey,
                           boolean pathStyle, boolean createMissingBuckets, Duration callTimeout,
                           Duration attemptTimeout, long maxDownloadBytes, int maxListObjects,
                           long uploadPartBytes) {

    /** Bounds every call below the engine's 30 s drain timeout: 15 s in all, 5 s per attempt. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(15);
    /** See {@link #DEFAULT_CALL_TIMEOUT}. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * 64 MiB: a plugin's {@code download} is a byte array in the host's heap, and a few of them at once
     * must not take a server down; larger objects go through {@code openStream}.
     */
    public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 64L * 1024 * 1024;
    /** The largest {@code maxDownloadBytes}: one byte less than the largest byte array. */
    public static final long MOST_DOWNLOAD_BYTES = Integer.MAX_VALUE - 9;
    /** 10,000 summaries, a few MiB of heap (the database's {@code max-rows}); longer lists go by pages. */
    public static final int DEFAULT_MAX_LIST_OBJECTS = 10_000;
    /** 8 MiB: 78 GiB in S3's 10,000 parts, at 8 MiB of heap per upload in flight. */
    public static final long DEFAULT_UPLOAD_PART_BYTES = 8L * 1024 * 1024;
    /** 5 MiB: S3 refuses a smaller part unless it is the last. */
    public static final long LEAST_UPLOAD_PART_BYTES = 5L * 1024 * 1024;
    /** A part is one byte array: {@link #MOST_DOWNLOAD_BYTES}. */
    public static final long MOST_UPLOAD_PART_BYTES = MOST_DOWNLOAD_BYTES;

    /** Checks the timeouts nest and the limits are positive, and that there are both keys or neither. */
    public S3Connection {
        if ((accessKey == null) != (secretKey == null) || "".equals(accessKey) || "".equals(secretKey)) {
            throw new IllegalArgumentException("S3 needs an access key and a secret key, or neither (then the AWS"
                    + " SDK's default credentials chain finds them)");
        }
        if (attemptTimeout.compareTo(callTimeout) > 0 || attemptTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("S3 timeouts must be positive and an attempt at most a call: attempt "
                    + attemptTimeout + ", call " + callTimeout);
        }
        if (maxDownloadBytes < 1 || maxDownloadBytes > MOST_DOWNLOAD_BYTES || maxListObjects < 1) {
            throw new IllegalArgumentException("S3 limits must be positive, and a download at most "
                    + MOST_DOWNLOAD_BYTES + " bytes (a byte array's size): max download bytes " + maxDownloadBytes
                    + ", max list objects " + maxListObjects);
        }
        if (uploadPartBytes < LEAST_UPLOAD_PART_BYTES || uploadPartBytes > MOST_UPLOAD_PART_BYTES) {
            throw new IllegalArgumentException("S3 upload parts must be " + LEAST_UPLOAD_PART_BYTES + " bytes (5 MiB,"
                    + " S3's smallest) to " + MOST_UPLOAD_PART_BYTES + " (a byte array's size): upload part bytes "
                    + uploadPartBytes);
        }
    }

    /** The default limits. */
    public S3Connection(Optional<URI> endpoint, String region, String accessKey, String secretKey, boolean pathStyle,
                        boolean createMissingBuckets, Duration callTimeout, Duration attemptTimeout) {
        this(endpoint, region, accessKey, secretKey, pathStyle, createMissingBuckets, callTimeout, attemptTimeout,
                DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_MAX_LIST_OBJECTS, DEFAULT_UPLOAD_PART_BYTES);
    }

    /** The default timeouts and limits. */
    public S3Connection(Optional<URI> endpoint, String region, String accessKey, String secretKey, boolean pathStyle,
                        boolean createMissingBuckets) {
        this(endpoint, region, accessKey, secretKey, pathStyle, createMissingBuckets, DEFAULT_CALL_TIMEOUT,
                DEFAULT_ATTEMPT_TIMEOUT);
    }

    /**
     * The region when none is configured, as the AWS SDK finds it: the {@code aws.region} system property or
     * the {@code AWS_REGION} environment variable (set on EKS, ECS and Lambda); against AWS itself also the
     * profile file and the instance's metadata. A region that does not match a bucket's makes S3 refuse every
     * signed request, so {@code us-east-1} is only the last resort (and what S3-compatible servers expect).
     *
     * @param endpoint the endpoint, or empty for AWS's own
     * @return the region
     */
    public static String defaultRegion(Optional<URI> endpoint) {
        try {
            return new SystemSettingsRegionProvider().getRegion().id();
        } catch (SdkClientException notSet) {
            // not in the JVM's or the process's settings
        }
        if (endpoint.isEmpty()) {
            try {
                return DefaultAwsRegionProviderChain.builder().build().getRegion().id();
            } catch (SdkClientException notFound) {
                // no profile, not on AWS
            }
        }
        return "us-east-1";
    }

    /**
     * @param downloadBytes the largest object {@code download} reads into memory
     * @param listObjects   the most objects {@code list} returns in one list
     * @return this connection with those limits
     */
    public S3Connection withLimits(long downloadBytes, int listObjects) {
        return new S3Connection(endpoint, region, accessKey, secretKey, pathStyle, createMissingBuckets, callTimeout,
                attemptTimeout, downloadBytes, listObjects, uploadPartBytes);
    }

    /**
     * @param partBytes the size of a part of an upload of unknown length
     * @return this connection with that part size
     */
    public S3Connection withUploadPartBytes(long partBytes) {
        return new S3Connection(endpoint, region, accessKey, secretKey, pathStyle, createMissingBuckets, callTimeout,
                attemptTimeout, maxDownloadBytes, maxListObjects, partBytes);
    }

    /** @return whether the AWS SDK's default chain finds the credentials, rather than the keys given here */
    public boolean defaultCredentials() {
        return accessKey == null;
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "S3Connection[endpoint=" + endpoint.map(URI::toString).orElse("aws") + ", region=" + region
                + ", accessKey=" + (accessKey == null ? "(default chain)" : accessKey) + ", pathStyle=" + pathStyle
                + ", createMissingBuckets=" + createMissingBuckets + ", callTimeout=" + callTimeout
                + ", attemptTimeout=" + attemptTimeout + ", maxDownloadBytes=" + maxDownloadBytes
                + ", maxListObjects=" + maxListObjects + ", uploadPartBytes=" + uploadPartBytes + "]";
    }
}
