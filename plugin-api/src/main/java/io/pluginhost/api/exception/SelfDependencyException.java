package io.pluginhost.api.exception;

/**
 * A plugin declares itself as a dependency.
 */
public class SelfDependencyException extends DependencyException {

    private static final long serialVersionUID = 1L;

    /** @param pluginName the plugin */
    public SelfDependencyException(String pluginName) {
        super("plugin '" + pluginName + "' declares a dependency on itself");
    }
}
