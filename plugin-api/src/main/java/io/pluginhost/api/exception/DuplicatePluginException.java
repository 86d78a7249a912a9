package io.pluginhost.api.exception;

/**
 * A plugin of the same name is already loaded.
 */
public class DuplicatePluginException extends PluginException {

    private static final long serialVersionUID = 1L;

    /**
     * @param pluginName the name in use
     * @param loadedFrom where the loaded one came from
     */
    public DuplicatePluginException(String pluginName, String loadedFrom) {
        super("plugin '" + pluginName + "' is already loaded (from " + loadedFrom + "); unload or reload it instead");
    }
}
