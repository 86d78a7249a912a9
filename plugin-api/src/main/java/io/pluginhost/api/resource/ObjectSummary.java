package io.pluginhost.api.resource;

import java.time.Instant;

/**
 * An entry of an S3 listing.
 *
 * @param key          object key
 * @param size         size in bytes
 * @param lastModified last modification time
 */
public record ObjectSummary(String key, long size, Instant lastModified) {
}
