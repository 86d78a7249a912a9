package io.pluginhost.api;

import java.util.Objects;

/**
 * One dependency a plugin declares, as read from an entry of {@link PluginMetadata#dependencies()}:
 * {@code "contacts"}, {@code "contacts@^1.2"}, {@code "audit?"} or {@code "audit?@>=2.0 <3.0"}.
 *
 * @param name         the dependency's plugin name
 * @param versionRange the versions accepted (npm-style or Maven/OSGi intervals, see the README);
 *                     empty for any version
 * @param optional     whether the plugin also loads without it ({@code ?} after the name)
 */
public record PluginDependency(String name, String versionRange, boolean optional) {

    /** Checks that the parts are present. */
    public PluginDependency {
        Objects.requireNonNull(name, "name");
        versionRange = versionRange == null ? "" : versionRange.strip();
    }

    /** @return a required dependency on any version of {@code name} */
    public static PluginDependency on(String name) {
        return new PluginDependency(name, "", false);
    }

    /** @return the entry as it is written in {@link PluginMetadata#dependencies()} */
    @Override
    public String toString() {
        return name + (optional ? "?" : "") + (versionRange.isEmpty() ? "" : "@" + versionRange);
    }
}
