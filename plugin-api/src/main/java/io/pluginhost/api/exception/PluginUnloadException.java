package io.pluginhost.api.exception;

/**
 * Unloading completed, but the plugin's {@code cleanup} failed (or an unload could not start).
 * Check the message: the plugin is gone either way unless it says otherwise.
 */
public class PluginUnloadException extends PluginException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause   a detached copy of the plugin's exception, or {@code null}
     */
    public PluginUnloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
