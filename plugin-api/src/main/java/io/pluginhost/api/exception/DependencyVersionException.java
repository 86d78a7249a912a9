package io.pluginhost.api.exception;

/**
 * A plugin requires a version of a dependency that is not the loaded one, e.g.
 * {@code contacts@^2.0} while {@code contacts@1.4.0} is loaded. Checked before any plugin code runs.
 */
public class DependencyVersionException extends DependencyException {

    private static final long serialVersionUID = 1L;

    private final String pluginName;
    private final String dependency;
    private final String requiredRange;
    private final String loadedVersion;

    /**
     * @param pluginName    the plugin being loaded
     * @param dependency    the dependency
     * @param requiredRange the versions the plugin accepts
     * @param loadedVersion the version that is loaded
     * @param why           why it does not fit, if more than "outside the range" (may be empty)
     */
    public DependencyVersionException(String pluginName, String dependency, String requiredRange,
                                      String loadedVersion, String why) {
        super("plugin '" + pluginName + "' requires '" + dependency + "' in versions " + requiredRange
                + ", but version " + loadedVersion + " is loaded" + (why.isEmpty() ? "" : " (" + why + ")")
                + "; load a version in that range first");
        this.pluginName = pluginName;
        this.dependency = dependency;
        this.requiredRange = requiredRange;
        this.loadedVersion = loadedVersion;
    }

    /** @return the plugin being loaded */
    public String pluginName() {
        return pluginName;
    }

    /** @return the dependency */
    public String dependency() {
        return dependency;
    }

    /** @return the versions the plugin accepts */
    public String requiredRange() {
        return requiredRange;
    }

    /** @return the version that is loaded */
    public String loadedVersion() {
        return loadedVersion;
    }
}
