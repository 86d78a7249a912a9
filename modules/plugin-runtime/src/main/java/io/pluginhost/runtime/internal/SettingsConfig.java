package io.pluginhost.runtime.internal;

import io.pluginhost.api.PluginConfig;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** A plugin's settings as its context hands them out: a copy, fixed for one load. */
public final class SettingsConfig implements PluginConfig {

    private final Map<String, String> settings;

    /** @param settings the settings by key */
    public SettingsConfig(Map<String, String> settings) {
        this.settings = settings.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    @Override
    public Set<String> keys() {
        return settings.keySet();
    }

    @Override
    public Map<String, String> asMap() {
        return settings;
    }

    @Override
    public String toString() {
        return "PluginConfig" + settings.keySet();
    }
}
