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
        this(pluginName, dependency, requiredRange, loadedVersion, "plugin '" + pluginName + "' requires '"
                + dependency + "' in versions " + requiredRange + ", but version " + loadedVersion + " is loaded"
                + (why.isEmpty() ? "" : " (" + why + ")") + "; load a version in that range first", null);
    }

    /** {@code unused} only tells this constructor, which takes the message whole, from the public one. */
    private DependencyVersionException(String pluginName, String dependency, String requiredRange,
                                       String loadedVersion, String message, Void unused) {
        super(message);
        this.pluginName = pluginName;
        this.dependency = dependency;
        this.requiredRange = requiredRange;
        this.loadedVersion = loadedVersion;
    }

    /**
     * A new version of a loaded plugin (an upgrade, a reload from a changed jar) that a plugin requiring it does
     * not accept; nothing changed.
     *
     * @param dependent     the loaded plugin that requires it
     * @param dependency    the plugin whose new version was refused
     * @param requiredRange the versions the dependent accepts
     * @param loadedVersion the version that is loaded, and stays
     * @param newVersion    the refused version
     * @param why           why it does not fit, if more than "outside the range" (may be empty)
     * @return the exception; its {@link #pluginName()} is the dependent
     */
    public static DependencyVersionException newVersionRefused(String dependent, String dependency,
                                                               String requiredRange, String loadedVersion,
                                                               String newVersion, String why) {
        String message = "plugin '" + dependency + "' " + newVersion + " does not suit plugin '"
                + dependent + "', which requires it in versions " + requiredRange
                + (why.isEmpty() ? "" : " (" + why + ")") + "; nothing was changed: '" + dependency + "' stays at "
                + loadedVersion + " (unload '" + dependent + "' first, or give a version in that range)";
        return new DependencyVersionException(dependent, dependency, requiredRange, loadedVersion, message, null);
    }

    /** @return the plugin being loaded, or the loaded one that refused a dependency's new version */
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
