package io.pluginhost.resource.s3;

import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.BucketAccessDeniedException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.S3LimitExceededException;
import io.pluginhost.api.resource.ObjectStream;
import io.pluginhost.api.resource.ObjectSummary;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.api.resource.StoredObject;
import io.pluginhost.runtime.resource.HostContext;
import io.pluginhost.runtime.resource.ResourcePolicy;
import io.pluginhost.runtime.resource.ResourceScope;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One plugin's {@link S3Repository}. Every operation resolves the logical bucket through the
 * plugin's policy first, so an undeclared bucket is refused before anything reaches the network;
 * then it runs on the shared client with the host's context class loader.
 *
 * <p>What a call brings into the host's heap is bounded ({@code download} and {@code list} by the
 * connection's limits); streams are not, and the repository keeps the ones the plugin has open, to
 * abort them when the engine closes it at unload: each holds an HTTP connection, which a plugin that
 * is gone would otherwise hold until the garbage collector found the stream.
 */
final class S3BucketRepository implements S3Repository, AutoCloseable {

    private static final long MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
    /**
     * The most object streams one plugin holds open at once: each is a socket, which the repository keeps until
     * the stream is closed or the plugin unloads.
     */
    static final int MAX_OPEN_STREAMS = 64;
    /** S3's own most keys in one listing response. */
    private static final int MAX_PAGE = 1000;
    /** S3's own most parts in one multipart upload. */
    static final int MOST_PARTS = 10_000;
    private static final System.Logger LOG = System.getLogger(S3BucketRepository.class.getName());

    private final ResourceScope scope;
    private final ResourcePolicy buckets;
    private final S3Client client;
    private final S3Presigner presigner;
    private final long maxDownloadBytes;
    private final int maxListObjects;
    private final int partBytes;
    private final int maxParts;
    private final Set<S3ObjectStream> openStreams = ConcurrentHashMap.newKeySet();
    private final Set<PartedUpload> uploadsInFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param limits   where the limits come from: download, list and part sizes
     * @param maxParts the most parts of a multipart upload, S3's {@link #MOST_PARTS} but in tests
     */
    S3BucketRepository(ResourceScope scope, S3Client client, S3Presigner presigner, S3Connection limits,
                       int maxParts) {
        this.scope = scope;
        this.buckets = scope.resources().buckets();
        this.client = client;
        this.presigner = presigner;
        this.maxDownloadBytes = limits.maxDownloadBytes();
        this.maxListObjects = limits.maxListObjects();
        this.partBytes = (int) limits.uploadPartBytes();
        this.maxParts = maxParts;
    }

    @Override
    public void upload(String key, byte[] body, String contentType, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        if (body == null) {
            throw new InvalidArgumentException("body", "body must not be null");
        }
        String type = contentType(contentType);
        call("upload", key, bucket, () -> client.putObject(request -> request.bucket(physical).key(key)
                .contentType(type), RequestBody.fromBytes(body)));
    }

    @Override
    public void upload(String key, InputStream body, long length, String contentType, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        if (body == null) {
            throw new InvalidArgumentException("body", "body must not be null");
        }
        if (length < 0) {
            throw new InvalidArgumentException("length", "length must be 0 or more; got " + length);
        }
        if (length > (long) partBytes * maxParts) {
            throw new S3LimitExceededException("max upload parts", "plugin '" + scope.pluginName() + "': '" + key
                    + "' (" + length + " bytes) is longer than " + maxParts + " parts of " + partBytes + " bytes;"
                    + " raise pluginhost.s3.upload-part-bytes");
        }
        // In parts the host holds, as a stream of unknown length: the SDK sends a part again after a retryable
        // error, and could not rewind the plugin's stream to send it whole again.
        upload(key, new ExactLength(body, length), contentType, bucket);
    }

    /** The first {@code length} bytes of a stream; ending before them is an error, so nothing is stored. */
    private static final class ExactLength extends InputStream {
        private final InputStream body;
        private final long length;
        private long left;

        ExactLength(InputStream body, long length) {
            this.body = body;
            this.length = length;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int count) throws IOException {
            if (left == 0) {
                return -1;
            }
            int read = body.read(into, offset, (int) Math.min(count, left));
            if (read < 0) {
                throw new IOException("the stream ended after " + (length - left) + " of its " + length + " bytes");
            }
            left -= read;
            return read;
        }
    }

    @Override
    public long upload(String key, InputStream body, String contentType, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        if (body == null) {
            throw new InvalidArgumentException("body", "body must not be null");
        }
        String type = contentType(contentType);
        byte[] part = new byte[partBytes];
        int length = fill(part, body, key, bucket);
        if (length < partBytes) { // all of it in one part: one request
            int whole = length;
            call("upload", key, bucket, () -> client.putObject(request -> request.bucket(physical).key(key)
                    .contentType(type), body(part, whole)));
            return length;
        }
        String uploadId = call("upload", key, bucket, () -> client.createMultipartUpload(request -> request
                .bucket(physical).key(key).contentType(type).checksumAlgorithm(ChecksumAlgorithm.CRC32)).uploadId());
        PartedUpload upload = new PartedUpload(physical, key, uploadId, new AtomicBoolean());
        uploadsInFlight.add(upload);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long size = 0;
            while (length > 0) {
                if (closed) { // the engine closed this repository meanwhile, and aborted the upload
                    throw new PluginException(unloadedDuring(key));
                }
                if (parts.size() == maxParts) {
                    throw new S3LimitExceededException("max upload parts", "plugin '" + scope.pluginName()
                            + "': the stream for '" + key + "' in bucket '" + bucket + "' is longer than " + maxParts
                            + " parts of " + partBytes + " bytes, the most S3 stores from a stream of unknown length;"
                            + " raise pluginhost.s3.upload-part-bytes, or upload it with its length");
                }
                parts.add(uploadPart(upload, parts.size() + 1, part, length, bucket));
                size += length;
                length = length < partBytes ? 0 : fill(part, body, key, bucket);
            }
            call("upload", key, bucket, () -> client.completeMultipartUpload(request -> request.bucket(physical)
                    .key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
            return size;
        } catch (RuntimeException e) {
            abort(upload);
            if (closed && !(e instanceof S3LimitExceededException)) {
                throw new PluginException(unloadedDuring(key)); // rather than S3's word for an aborted upload
            }
            throw e;
        } finally {
            uploadsInFlight.remove(upload);
        }
    }

    private CompletedPart uploadPart(PartedUpload upload, int number, byte[] part, int length, String bucket) {
        UploadPartResponse response = call("upload", upload.key(), bucket, () -> client.uploadPart(request -> request
                .bucket(upload.bucket()).key(upload.key()).uploadId(upload.id()).partNumber(number)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32), body(part, length)));
        return CompletedPart.builder().partNumber(number).eTag(response.eTag())
                .checksumCRC32(response.checksumCRC32()).build();
    }

    /** The first {@code length} bytes of {@code part}, not copied: each retry reads them again. */
    private static RequestBody body(byte[] part, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part, 0, length), length,
                "application/octet-stream");
    }

    /** @return how many bytes of the plugin's stream filled {@code part}: fewer than its size at the end only */
    private int fill(byte[] part, InputStream body, String key, String bucket) {
        try {
            return body.readNBytes(part, 0, part.length);
        } catch (IOException e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': cannot upload '" + key + "' to bucket '"
                    + bucket + "' from its stream: " + e.getMessage());
        }
    }

    /** Aborts a multipart upload once, so that S3 drops its parts; from the uploader or the engine's thread. */
    private void abort(PartedUpload upload) {
        if (!upload.aborted().compareAndSet(false, true)) {
            return;
        }
        try {
            HostContext.call(S3BucketRepository.class, () -> client.abortMultipartUpload(request -> request
                    .bucket(upload.bucket()).key(upload.key()).uploadId(upload.id())));
        } catch (SdkException e) {
            // S3 keeps the parts until a lifecycle rule (AbortIncompleteMultipartUpload) drops them.
            LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'': cannot abort the upload of ''{1}'' to bucket"
                    + " ''{2}'' (id {3}); its parts stay until the bucket''s lifecycle rule drops them: {4}",
                    scope.pluginName(), upload.key(), upload.bucket(), upload.id(), e.getMessage());
        }
    }

    /** A multipart upload in flight: what aborting it takes. */
    private record PartedUpload(String bucket, String key, String id, AtomicBoolean aborted) {
    }

    @Override
    public Optional<StoredObject> download(String key, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        return call("download", key, bucket, () -> {
            Optional<ResponseInputStream<GetObjectResponse>> opened = get(physical, key);
            if (opened.isEmpty()) {
                return Optional.empty();
            }
            ResponseInputStream<GetObjectResponse> in = opened.get();
            try {
                Long length = in.response().contentLength();
                if (length != null && length > maxDownloadBytes) {
                    in.abort(); // not one byte of it read
                    throw tooLarge(key, bucket, length + " bytes");
                }
                // A server's length is not trusted with the heap: one byte more than the limit is read at most.
                byte[] content = in.readNBytes((int) maxDownloadBytes + 1);
                if (content.length > maxDownloadBytes) {
                    in.abort();
                    throw tooLarge(key, bucket, "more than " + maxDownloadBytes + " bytes");
                }
                in.close();
                return Optional.of(new StoredObject(key, in.response().contentType(), content));
            } catch (IOException e) {
                in.abort();
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Optional<ObjectStream> openStream(String key, String bucket) {
        String physical = bucket(bucket);
        checkKey(key);
        if (openStreams.size() >= MAX_OPEN_STREAMS) {
            throw new S3LimitExceededException("max open streams", "plugin '" + scope.pluginName() + "' has "
                    + MAX_OPEN_STREAMS + " object streams open, the most one plugin may hold (each is a connection"
                    + " to S3); close one (try-with-resources) before opening '" + key + "'");
        }
        return call("open", key, bucket, () -> get(physical, key).map(in -> {
            S3ObjectStream stream = new S3ObjectStream(key, in, openStreams::remove);
            openStreams.add(stream);
            if (closed) { // the engine closed this repository while the request was in flight
                openStreams.remove(stream);
                stream.closeForUnload(unloaded(key));
                throw new PluginException(unloaded(key));
            }
            return stream;
        }));
    }

    /** @return the object's response stream, or empty if there is no such key */
    private Optional<ResponseInputStream<GetObjectResponse>> get(String physical, String key) {
        try {
            return Optional.of(client.getObject(request -> request.bucket(physical).key(key)));
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        }
    }

    private S3LimitExceededException tooLarge(String key, String bucket, String size) {
        return new S3LimitExceededException("max download bytes", "plugin '" + scope.pluginName() + "': object '"
                + key + "' in bucket '" + bucket + "' is " + size + ", more than download reads into memory"
                + " (pluginhost.s3.max-download-bytes (" + maxDownloadBytes + ")); read it with openStream");
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
        return call("list", from + "*", bucket, () -> {
            List<ObjectSummary> summaries = new ArrayList<>();
            // The paginator asks S3 for the next page only as the loop gets there: past the limit, no more. Keys
            // come URL-encoded (the SDK decodes them): XML 1.0 cannot carry most control characters, and one such
            // key would otherwise break every listing of its bucket.
            for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(physical).prefix(from)
                    .maxKeys(Math.min(MAX_PAGE, maxListObjects + 1)).encodingType(EncodingType.URL)).contents()) {
                if (summaries.size() == maxListObjects) {
                    throw new S3LimitExceededException("max list objects", "plugin '" + scope.pluginName()
                            + "': there are more than " + maxListObjects + " objects under '" + from + "' in bucket '"
                            + bucket + "', more than list returns at once (pluginhost.s3.max-list-objects);"
                            + " list them by pages (list(prefix, startAfter, limit, bucket))");
                }
                summaries.add(summary(object));
            }
            return Collections.unmodifiableList(summaries);
        });
    }

    @Override
    public List<ObjectSummary> list(String prefix, String startAfter, int limit, String bucket) {
        String physical = bucket(bucket);
        String from = prefix == null ? "" : prefix;
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidArgumentException("limit", "a page's limit must be 1 to 1000 (S3's most in one"
                    + " response); got " + limit);
        }
        return call("list", from + "*", bucket, () -> client.listObjectsV2(request -> {
            request.bucket(physical).prefix(from).maxKeys(limit).encodingType(EncodingType.URL);
            if (startAfter != null && !startAfter.isEmpty()) {
                request.startAfter(startAfter);
            }
        }).contents().stream().map(S3BucketRepository::summary).toList());
    }

    private static ObjectSummary summary(S3Object object) {
        return new ObjectSummary(object.key(), object.size(), object.lastModified());
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

    /**
     * Aborts the streams the plugin left open and its uploads in flight; the engine calls it when the plugin
     * unloads. An uploading thread finds out at its next part and throws.
     */
    @Override
    public void close() {
        closed = true;
        for (S3ObjectStream stream : openStreams) {
            openStreams.remove(stream);
            stream.closeForUnload(unloaded(stream.key()));
        }
        for (PartedUpload upload : uploadsInFlight) {
            abort(upload);
        }
    }

    /** @return how many streams the plugin has open */
    int openStreams() {
        return openStreams.size();
    }

    private String unloadedDuring(String key) {
        return "plugin '" + scope.pluginName() + "' was unloaded: the host aborted its upload of S3 object '" + key
                + "', and stored nothing";
    }

    private String unloaded(String key) {
        return "plugin '" + scope.pluginName() + "' was unloaded: the host closed its stream of S3 object '" + key
                + "'";
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
     * Nor does it start with a separator: AWS keeps {@code /x} as a key other than {@code x}, which tools that
     * join bucket and key show alike, and s3proxy refuses it, so a plugin would behave differently in
     * development and in production.
     */
    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new InvalidArgumentException("key", "an object key must be 1 to 1024 bytes; got "
                    + (key == null ? "null" : "'" + key + "'"));
        }
        if (key.charAt(0) == '/' || key.charAt(0) == '\\') {
            throw new InvalidArgumentException("key", "an object key must not start with '/' (or '\\'): some stores"
                    + " refuse it, others keep it as a key other than the one without it; got '" + key + "'");
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

    /**
     * The content type to send: the default for none, else the plugin's if it can be a header's value. One with a
     * line break or another control character would otherwise fail in the HTTP client as its own exception, or
     * (in a client that did not check) add a header of the plugin's making.
     */
    private static String contentType(String contentType) {
        if (contentType == null || contentType.isEmpty()) {
            return "application/octet-stream";
        }
        for (int i = 0; i < contentType.length(); i++) {
            char c = contentType.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidArgumentException("contentType", "a content type is printable ASCII, a header's"
                        + " value (e.g. 'text/plain; charset=utf-8'); got one with U+"
                        + String.format(Locale.ROOT, "%04X", (int) c) + " at " + i);
            }
        }
        return contentType;
    }

    private <T> T call(String operation, String key, String bucket, Supplier<T> work) {
        try {
            return HostContext.call(S3BucketRepository.class, work);
        } catch (SdkException | UncheckedIOException e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': S3 refused to " + operation + " '" + key
                    + "' in bucket '" + bucket + "': " + e.getMessage());
        }
    }
}
