package io.pluginhost.runtime;

import java.util.List;

/**
 * What an upgrade changed.
 *
 * @param name        the plugin
 * @param fromVersion the version that was loaded
 * @param toVersion   the version now loaded
 * @param reloaded    the plugin and its dependents as they run now, dependencies first
 */
public record UpgradeResult(String name, String fromVersion, String toVersion, List<PluginInfo> reloaded) {

    /** Copies the list. */
    public UpgradeResult {
        reloaded = List.copyOf(reloaded);
    }
}
