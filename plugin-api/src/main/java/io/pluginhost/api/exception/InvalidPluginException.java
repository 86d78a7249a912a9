package io.pluginhost.api.exception;

/**
 * A jar that is not a valid plugin: unreadable or corrupt, not a named module, no or several
 * {@code Plugin} providers, a missing or malformed {@code @PluginMetadata}. Nothing of it was loaded.
 */
public class InvalidPluginException extends PluginException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the jar, naming the jar */
    public InvalidPluginException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with the jar, naming the jar
     * @param cause   the underlying failure
     */
    public InvalidPluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
