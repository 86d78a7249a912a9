package io.pluginhost.api.exception;

import java.util.List;

/**
 * A plugin tried to use a table, topic or bucket it has not declared, or an operation that is
 * never allowed.
 */
public class ResourceAccessDeniedException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String resource;
    private final List<String> allowed;

    /**
     * @param message  the full explanation
     * @param resource the resource that was refused
     * @param allowed  what the plugin may use
     */
    protected ResourceAccessDeniedException(String message, String resource, List<String> allowed) {
        super(message);
        this.resource = resource;
        this.allowed = List.copyOf(allowed);
    }

    /** @return the refused resource (logical name), or what was refused */
    public String resource() {
        return resource;
    }

    /** @return the logical names the plugin may use */
    public List<String> allowed() {
        return allowed;
    }

    static String denial(String pluginName, String kind, String resource, List<String> allowed) {
        return "plugin '" + pluginName + "' has not declared " + kind + " '" + resource + "'; allowed: " + allowed;
    }
}
