package io.pluginhost.api.exception;

/**
 * An S3 call of a plugin would have brought more into the host's memory than a limit the host sets
 * ({@link #limit()}: "max download bytes", an object {@code download} reads whole, or "max list
 * objects", a listing {@code list} returns whole), or would be longer than S3 stores from a stream of
 * unknown length ("max upload parts"), or the plugin holds as many object streams open as it may ("max
 * open streams", 64: close one). Nothing was read past the limit, nor stored; the message names
 * the key that sets it and, for a read, the call that reads without it ({@code openStream}, or
 * {@code list} by pages).
 */
public class S3LimitExceededException extends ResourceLimitExceededException {

    private static final long serialVersionUID = 1L;

    /**
     * @param limit   which limit: "max download bytes", "max list objects", "max upload parts" or "max open
     *                streams"
     * @param message what was exceeded, by which plugin, and the key that sets the limit
     */
    public S3LimitExceededException(String limit, String message) {
        super(limit, message);
    }
}
