package io.pluginhost.api.resource;

/**
 * An object downloaded from S3.
 *
 * @param key         object key
 * @param contentType MIME type the object was stored with
 * @param content     the bytes
 */
public record StoredObject(String key, String contentType, byte[] content) {
}
