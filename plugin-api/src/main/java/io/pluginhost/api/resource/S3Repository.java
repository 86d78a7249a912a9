package io.pluginhost.api.resource;

import io.pluginhost.api.exception.BucketAccessDeniedException;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * S3 access restricted to the plugin's declared buckets. The bucket argument is always required
 * and logical; the host maps it to the physical bucket {@code <plugin>--<bucket>}. Every method
 * throws {@link BucketAccessDeniedException} for an undeclared bucket before touching the network.
 *
 * <p>The host keeps nothing of an object in memory but what a call returns, so the calls that would
 * return without bound are bounded: {@link #download} reads an object of at most
 * {@code pluginhost.s3.max-download-bytes} (64 MiB), {@link #list(String, String)} lists at most
 * {@code pluginhost.s3.max-list-objects} (10,000); past them they throw
 * {@link io.pluginhost.api.exception.S3LimitExceededException} having read no more. Objects of any
 * size go through {@link #upload(String, InputStream, long, String, String)} (or, of a length not
 * known beforehand, {@link #upload(String, InputStream, String, String)}) and {@link #openStream};
 * listings of any length through {@link #list(String, String, int, String)}, a page at a time.
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
     * Uploads from a stream, which the host never holds whole: for objects too large for a byte array.
     * As {@link #upload(String, InputStream, String, String)}, it is read in parts the host can send again
     * after an error S3 says to retry; on the calling thread, and not closed.
     *
     * @param key         object key
     * @param body        gives the content: exactly {@code length} bytes are read; if it ends before,
     *                    the upload fails and nothing is stored
     * @param length      the object's size in bytes
     * @param contentType MIME type, e.g. {@code application/zip}
     * @param bucket      a declared logical bucket
     * @throws io.pluginhost.api.exception.S3LimitExceededException if {@code length} is more than 10,000 parts
     *         hold, before anything is read
     */
    void upload(String key, InputStream body, long length, String contentType, String bucket);

    /**
     * Uploads a stream whose length is not known beforehand (a generated report, a pipe), read to its
     * end on the calling thread and not closed. The host reads it in parts of
     * {@code pluginhost.s3.upload-part-bytes} (8 MiB), holding one part at a time: a stream that fits
     * in one part is stored with one request, a longer one as an S3 multipart upload of at most
     * 10,000 parts, which S3 makes into the object only when the last part is in. If the stream fails,
     * S3 refuses a part or the plugin unloads first, the host aborts the upload: nothing is stored and
     * no part is left behind. Each request has the call timeout, not the upload as a whole.
     *
     * @param key         object key
     * @param body        gives the content, to its end
     * @param contentType MIME type, e.g. {@code text/csv}
     * @param bucket      a declared logical bucket
     * @return the object's size in bytes
     * @throws io.pluginhost.api.exception.S3LimitExceededException if the stream is longer than
     *         10,000 parts (the message says how long that is)
     */
    long upload(String key, InputStream body, String contentType, String bucket);

    /**
     * @param key    object key
     * @param bucket a declared logical bucket
     * @return the object, or empty if there is no such key
     * @throws io.pluginhost.api.exception.S3LimitExceededException if the object is larger than
     *         {@code pluginhost.s3.max-download-bytes}; read it with {@link #openStream}
     */
    Optional<StoredObject> download(String key, String bucket);

    /**
     * Opens an object for reading, of any size: its bytes come as the stream is read. Close the
     * stream (try-with-resources): until then it holds one of the host's connections to S3. The host
     * closes the streams a plugin left open when it unloads.
     *
     * @param key    object key
     * @param bucket a declared logical bucket
     * @return the open object, or empty if there is no such key
     */
    Optional<ObjectStream> openStream(String key, String bucket);

    /**
     * @param key    object key
     * @param bucket a declared logical bucket
     */
    void delete(String key, String bucket);

    /**
     * @param prefix key prefix, {@code ""} for all
     * @param bucket a declared logical bucket
     * @return summaries of the matching objects, by key
     * @throws io.pluginhost.api.exception.S3LimitExceededException if more than
     *         {@code pluginhost.s3.max-list-objects} match; list them by pages
     */
    List<ObjectSummary> list(String prefix, String bucket);

    /**
     * One page of a listing, for buckets too large to list at once: pass the last key of a page as
     * {@code startAfter} to get the next; a page shorter than {@code limit} is the last.
     *
     * @param prefix     key prefix, {@code ""} for all
     * @param startAfter list the keys after this one, or {@code null} or {@code ""} from the first
     * @param limit      the most summaries to return, 1 to 1,000 (one request to S3)
     * @param bucket     a declared logical bucket
     * @return summaries of the matching objects after {@code startAfter}, by key
     */
    List<ObjectSummary> list(String prefix, String startAfter, int limit, String bucket);

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
