package io.pluginhost.api.exception;

import java.util.List;

/**
 * A plugin asked its context for a plugin it does not declare as a dependency.
 */
public class UndeclaredDependencyException extends DependencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param pluginName the asking plugin
     * @param requested  the plugin it asked for
     * @param declared   what it declares
     */
    public UndeclaredDependencyException(String pluginName, String requested, List<String> declared) {
        super("plugin '" + pluginName + "' does not declare a dependency on '" + requested
                + "'; declared: " + declared);
    }
}
