package io.pluginhost.host;

import io.pluginhost.runtime.resource.ResourceOverrides;
import org.eclipse.microprofile.config.Config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Per-plugin resource overrides from MicroProfile Config, so an environment can rename or restrict
 * a plugin's resources without touching the jar:
 *
 * <pre>
 * pluginhost.plugin.&lt;plugin&gt;.allowed-tables=users,orders
 * pluginhost.plugin.&lt;plugin&gt;.allowed-topics=...
 * pluginhost.plugin.&lt;plugin&gt;.allowed-buckets=...
 * pluginhost.plugin.&lt;plugin&gt;.table-name-map.&lt;logical&gt;=&lt;mapped&gt;
 * pluginhost.plugin.&lt;plugin&gt;.topic-name-map.&lt;logical&gt;=&lt;mapped&gt;
 * pluginhost.plugin.&lt;plugin&gt;.bucket-name-map.&lt;logical&gt;=&lt;mapped&gt;
 * pluginhost.plugin.&lt;plugin&gt;.config.&lt;key&gt;=&lt;value&gt;     (the plugin's own settings)
 * </pre>
 *
 * As everywhere in MicroProfile Config, a system property beats an environment variable beats
 * {@code microprofile-config.properties}, and profiles ({@code %dev.pluginhost...}) apply.
 */
final class ConfiguredOverrides {

    private static final String PREFIX = ConfigKeys.PLUGIN_PREFIX;

    private ConfiguredOverrides() {
    }

    /**
     * @param config the configuration
     * @return overrides by plugin name, for every plugin the configuration mentions
     */
    static Map<String, ResourceOverrides> read(Config config) {
        Map<String, ResourceOverrides.Builder> builders = new TreeMap<>();
        Map<String, Map<String, Map<String, String>>> maps = new HashMap<>();
        for (String key : ConfigKeys.names(config)) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0) {
                continue;
            }
            String plugin = rest.substring(0, dot);
            String setting = rest.substring(dot + 1);
            Optional<String> value = config.getOptionalValue(key, String.class);
            if (value.isEmpty()) {
                continue;
            }
            if (setting.equals("datasource") || setting.startsWith("config.")) {
                continue; // not a resource override: see PluginDatabases and settings(Config)
            }
            ResourceOverrides.Builder builder = builders.computeIfAbsent(plugin, p -> ResourceOverrides.builder());
            switch (setting) {
                case "allowed-tables" -> builder.allowedTables(list(value.get()));
                case "allowed-topics" -> builder.allowedTopics(list(value.get()));
                case "allowed-buckets" -> builder.allowedBuckets(list(value.get()));
                default -> {
                    int mapDot = setting.indexOf('.');
                    String map = mapDot < 0 ? setting : setting.substring(0, mapDot);
                    if (mapDot < 0 || !List.of("table-name-map", "topic-name-map", "bucket-name-map").contains(map)) {
                        throw new IllegalStateException("unknown configuration key " + key + "; see the README's"
                                + " configuration keys");
                    }
                    maps.computeIfAbsent(plugin, p -> new HashMap<>()).computeIfAbsent(map, m -> new HashMap<>())
                            .put(setting.substring(mapDot + 1), value.get().trim());
                }
            }
        }
        Map<String, ResourceOverrides> overrides = new TreeMap<>();
        builders.forEach((plugin, builder) -> {
            Map<String, Map<String, String>> pluginMaps = maps.getOrDefault(plugin, Map.of());
            builder.tableNameMap(pluginMaps.getOrDefault("table-name-map", Map.of()));
            builder.topicNameMap(pluginMaps.getOrDefault("topic-name-map", Map.of()));
            builder.bucketNameMap(pluginMaps.getOrDefault("bucket-name-map", Map.of()));
            overrides.put(plugin, builder.build());
        });
        return overrides;
    }

    /**
     * A plugin's own settings, {@code pluginhost.plugin.<plugin>.config.<key>=<value>}: what
     * {@code context.config()} gives it ({@code <key>} may contain dots).
     *
     * @param config the configuration
     * @return settings by plugin name, for every plugin the configuration gives settings
     */
    static Map<String, Map<String, String>> settings(Config config) {
        Map<String, Map<String, String>> settings = new TreeMap<>();
        for (String key : ConfigKeys.names(config)) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int marker = rest.indexOf(".config.");
            if (marker <= 0 || rest.substring(0, marker).contains(".")) {
                continue;
            }
            String setting = rest.substring(marker + ".config.".length());
            config.getOptionalValue(key, String.class).ifPresent(value -> settings
                    .computeIfAbsent(rest.substring(0, marker), p -> new TreeMap<>()).put(setting, value));
        }
        return settings;
    }

    private static List<String> list(String value) {
        return value.isBlank() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).toList();
    }
}
