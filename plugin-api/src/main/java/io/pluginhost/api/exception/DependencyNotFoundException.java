package io.pluginhost.api.exception;

/**
 * A plugin declares a dependency that is not loaded (and, when loading a directory, not in it either).
 */
public class DependencyNotFoundException extends DependencyException {

    private static final long serialVersionUID = 1L;

    private final String pluginName;
    private final String dependency;

    /**
     * @param pluginName the plugin being loaded
     * @param dependency the dependency that is missing
     */
    public DependencyNotFoundException(String pluginName, String dependency) {
        super("plugin '" + pluginName + "' depends on '" + dependency + "', which is not loaded; load it first");
        this.pluginName = pluginName;
        this.dependency = dependency;
    }

    /** @return the plugin being loaded */
    public String pluginName() {
        return pluginName;
    }

    /** @return the missing dependency */
    public String dependency() {
        return dependency;
    }
}
