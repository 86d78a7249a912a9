package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import io.pluginhost.runtime.PluginInfo;

import java.util.List;
import java.util.Map;

/**
 * A plugin as the admin API shows it (JSON-B serializes records).
 *
 * @param name          name
 * @param version       version
 * @param description   description
 * @param state         LOADED or FAILED
 * @param source        the jar's file name
 * @param dependencies  declared dependencies
 * @param dependents    loaded plugins that depend on it
 * @param declared      declared resources by kind
 * @param effective     resources in effect by kind: logical name to physical name
 * @param since         when it reached its state, ISO-8601
 * @param error         why it failed, if it did (server paths masked)
 * @param extensions    the extension points it implements, loaded
 * @param scheduledTasks its scheduled tasks that have not ended
 * @param health        what its own health check last said, and since when; {@code null} if it has none or
 *                      was not asked since it loaded
 */
public record PluginView(String name, String version, String description, String state, String source,
                         List<String> dependencies, List<String> dependents, Map<String, List<String>> declared,
                         Map<String, Map<String, String>> effective, String since, String error,
                         List<String> extensions, int scheduledTasks, HealthView health) {

    /**
     * @param info the engine's snapshot
     * @param host takes server paths out of its messages
     */
    static PluginView of(PluginInfo info, PluginHost host) {
        return new PluginView(info.name(), info.version(), info.descriptor().description(), info.state().name(),
                info.source().getFileName().toString(), info.descriptor().dependencies(), info.dependents(),
                Map.of("tables", info.descriptor().allowedTables(), "topics", info.descriptor().allowedTopics(),
                        "buckets", info.descriptor().allowedBuckets()),
                Map.of("tables", info.tables(), "topics", info.topics(), "buckets", info.buckets()),
                info.since().toString(), info.error().map(host::withoutServerPaths).orElse(null), info.extensions(),
                info.scheduledTasks(), info.health().map(known -> HealthView.of(known, host)).orElse(null));
    }
}
