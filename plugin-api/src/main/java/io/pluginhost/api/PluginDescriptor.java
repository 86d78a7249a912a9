package io.pluginhost.api;

import java.util.List;
import java.util.Objects;

/**
 * A plugin's validated metadata, as the host read it from {@link PluginMetadata}.
 *
 * <p>The resource lists are what the plugin declared; the host may override them at load time
 * (see the repositories' {@code getAllowed...()} methods for what is in effect).
 *
 * @param name           the plugin's unique name
 * @param version        the plugin's version
 * @param description    a one-line description, possibly empty
 * @param dependencies   names of the plugins this one declares as dependencies, in declared order
 * @param allowedTables  declared logical table names
 * @param allowedTopics  declared logical topic names
 * @param allowedBuckets declared logical bucket names
 */
public record PluginDescriptor(
        String name,
        String version,
        String description,
        List<String> dependencies,
        List<String> allowedTables,
        List<String> allowedTopics,
        List<String> allowedBuckets) {

    /** Copies every list so a descriptor never changes after it is built. */
    public PluginDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        description = description == null ? "" : description;
        dependencies = List.copyOf(dependencies);
        allowedTables = List.copyOf(allowedTables);
        allowedTopics = List.copyOf(allowedTopics);
        allowedBuckets = List.copyOf(allowedBuckets);
    }

    /** @return {@code name@version}, as operators see it in logs */
    @Override
    public String toString() {
        return name + "@" + version;
    }
}
