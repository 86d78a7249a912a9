package io.pluginhost.admin;

import io.pluginhost.api.PluginConfig;

import java.util.Map;
import java.util.TreeMap;

/**
 * A plugin's own settings as a viewer reads them: an API token or a password given to a plugin is for its
 * administrators, not for every dashboard with read access, and neither is the password in a database URL. The
 * rules are the API's, {@link PluginConfig#isSecret} and {@link PluginConfig#masked}, the ones an error message
 * about a setting follows too.
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

    /**
     * @return the settings, sorted by key, with every secret's value replaced by {@link #MASK} and the password of
     *         every URL in the others masked
     */
    static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> masked = new TreeMap<>();
        settings.forEach((key, value) -> masked.put(key, PluginConfig.masked(key, value)));
        return masked;
    }
}
