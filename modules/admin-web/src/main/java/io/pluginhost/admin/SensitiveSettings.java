package io.pluginhost.admin;

import io.pluginhost.api.PluginConfig;

import java.util.Map;
import java.util.TreeMap;

/**
 * A plugin's own settings as a viewer reads them: an API token or a password given to a plugin is for its
 * administrators, not for every dashboard with read access. Which settings hold a secret is the API's rule,
 * {@link PluginConfig#isSecret}, the one an error message about a setting follows too.
 */
final class SensitiveSettings {

    /** What a viewer reads instead of a secret's value. */
    static final String MASK = "******";

    private SensitiveSettings() {
    }

    /** @return whether the setting named {@code key} holds a secret */
    static boolean sensitive(String key) {
        return PluginConfig.isSecret(key);
    }

    /** @return the settings, sorted by key, with every secret's value replaced by {@link #MASK} */
    static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> masked = new TreeMap<>();
        settings.forEach((key, value) -> masked.put(key, sensitive(key) ? MASK : value));
        return masked;
    }
}
