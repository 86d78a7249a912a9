package io.pluginhost.api.exception;

/**
 * A problem with a plugin's declared dependencies.
 */
public class DependencyException extends PluginException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong */
    public DependencyException(String message) {
        super(message);
    }
}
