package io.pluginhost.runtime;

import io.pluginhost.api.PluginDescriptor;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a known plugin for callers and operators. Holds only text, so keeping it never
 * keeps a plugin in memory.
 *
 * @param descriptor the declared metadata
 * @param state      loaded or failed
 * @param source     the jar it was loaded from
 * @param dependents loaded plugins that declare this one as a dependency
 * @param tables     tables in effect: logical name to physical name (empty unless loaded)
 * @param topics     topics in effect: logical name to physical name (empty unless loaded)
 * @param buckets    buckets in effect: logical name to physical name (empty unless loaded)
 * @param since      when it reached this state
 * @param error      why it failed, if it did
 * @param extensions the extension points it implements ({@code provides} in its module-info, but
 *                   {@code Plugin}), sorted; empty unless loaded
 * @param scheduledTasks its scheduled tasks that have not ended (0 unless loaded)
 * @param health     what it last said of its health, and since when; empty unless loaded and asked (a plugin
 *                   without a {@code health()} of its own is never asked)
 */
public record PluginInfo(PluginDescriptor descriptor, PluginState state, Path source, List<String> dependents,
                         Map<String, String> tables, Map<String, String> topics, Map<String, String> buckets,
                         Instant since, Optional<String> error, List<String> extensions, int scheduledTasks,
                         Optional<KnownHealth> health) {

    /** Copies the collections. */
    public PluginInfo {
        dependents = List.copyOf(dependents);
        extensions = List.copyOf(extensions);
        tables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tables));
        topics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(topics));
        buckets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(buckets));
    }

    /** @return the plugin's name */
    public String name() {
        return descriptor.name();
    }

    /** @return the plugin's version */
    public String version() {
        return descriptor.version();
    }
}
