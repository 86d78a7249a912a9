package io.pluginhost.api.exception;

/**
 * A plugin used its context, event bus or a repository after it was unloaded.
 */
public class PluginContextInvalidatedException extends PluginException {

    private static final long serialVersionUID = 1L;

    /** @param pluginName the unloaded plugin */
    public PluginContextInvalidatedException(String pluginName) {
        super("plugin '" + pluginName + "' has been unloaded; its context can no longer be used");
    }
}
