package io.pluginhost.api.exception;

/**
 * Loading failed after the jar was accepted, typically because {@code initialize} threw. Everything
 * the load created has been rolled back.
 */
public class PluginLoadException extends PluginException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause   a detached copy of the plugin's exception (it holds no plugin class)
     */
    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
