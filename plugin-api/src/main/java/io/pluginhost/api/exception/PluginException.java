package io.pluginhost.api.exception;

/**
 * The root of every plugin-related error the host reports. Unchecked: callers catch the subtype
 * they can act on.
 */
public class PluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, and what to do about it where that is known */
    public PluginException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
