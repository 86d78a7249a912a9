package io.pluginhost.api.resource;

import java.io.InputStream;

/**
 * An S3 object being read, from {@link S3Repository#openStream}: its bytes as a stream, read once,
 * and what S3 says about it. It holds an HTTP connection of the host until it is closed, so close it
 * (try-with-resources); the host closes every stream a plugin left open when the plugin unloads, and
 * a read after that throws an {@link java.io.IOException} that says so.
 */
public abstract class ObjectStream extends InputStream {

    private final String key;
    private final String contentType;
    private final long contentLength;

    /**
     * @param key           object key
     * @param contentType   MIME type the object was stored with
     * @param contentLength its size in bytes
     */
    protected ObjectStream(String key, String contentType, long contentLength) {
        this.key = key;
        this.contentType = contentType;
        this.contentLength = contentLength;
    }

    /** @return the object key */
    public final String key() {
        return key;
    }

    /** @return the MIME type the object was stored with */
    public final String contentType() {
        return contentType;
    }

    /** @return the object's size in bytes, all of which the stream gives unless it is closed first */
    public final long contentLength() {
        return contentLength;
    }
}
