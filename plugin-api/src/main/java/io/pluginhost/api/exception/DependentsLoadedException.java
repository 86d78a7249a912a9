package io.pluginhost.api.exception;

import java.util.List;

/**
 * Unloading a plugin was refused because plugins that depend on it are loaded. Unload them first,
 * or ask for a cascading unload.
 */
public class DependentsLoadedException extends DependencyException {

    private static final long serialVersionUID = 1L;

    private final List<String> dependents;

    /**
     * @param pluginName the plugin to unload
     * @param dependents the loaded plugins that depend on it, directly or not
     */
    public DependentsLoadedException(String pluginName, List<String> dependents) {
        super("plugin '" + pluginName + "' cannot be unloaded: loaded plugins depend on it: " + dependents
                + "; unload them first or unload with cascade");
        this.dependents = List.copyOf(dependents);
    }

    /** @return the loaded plugins that depend on it */
    public List<String> dependents() {
        return dependents;
    }
}
