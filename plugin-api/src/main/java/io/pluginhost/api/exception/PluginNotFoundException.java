package io.pluginhost.api.exception;

/**
 * No plugin of that name is loaded (or known, for overrides).
 */
public class PluginNotFoundException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String pluginName;

    /** @param pluginName the name that was asked for */
    public PluginNotFoundException(String pluginName) {
        super("plugin '" + pluginName + "' is not loaded");
        this.pluginName = pluginName;
    }

    /**
     * @param pluginName the name that was asked for
     * @param message    a more precise explanation, e.g. that it was unloaded meanwhile
     */
    public PluginNotFoundException(String pluginName, String message) {
        super(message);
        this.pluginName = pluginName;
    }

    /** @return the name that was asked for */
    public String pluginName() {
        return pluginName;
    }
}
