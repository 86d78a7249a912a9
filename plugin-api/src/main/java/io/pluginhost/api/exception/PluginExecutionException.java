package io.pluginhost.api.exception;

/**
 * A plugin's {@code execute} threw.
 */
public class PluginExecutionException extends PluginException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which plugin failed
     * @param cause   a detached copy of the plugin's exception (it holds no plugin class)
     */
    public PluginExecutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
