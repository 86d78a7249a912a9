package io.pluginhost.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A plugin's validated metadata, as the host read it from {@link PluginMetadata}.
 *
 * <p>The resource lists are what the plugin declared; the host may override them at load time
 * (see the repositories' {@code getAllowed...()} methods for what is in effect).
 *
 * @param name           the plugin's unique name
 * @param version        the plugin's version
 * @param description    a one-line description, possibly empty
 * @param dependencies   names of the plugins this one declares as dependencies (required and
 *                       optional), in declared order
 * @param allowedTables  declared logical table names
 * @param allowedTopics  declared logical topic names
 * @param allowedBuckets declared logical bucket names
 * @param requirements   the same dependencies with their version ranges and whether each is optional
 */
public record PluginDescriptor(
        String name,
        String version,
        String description,
        List<String> dependencies,
        List<String> allowedTables,
        List<String> allowedTopics,
        List<String> allowedBuckets,
        List<PluginDependency> requirements) {

    /**
     * Copies every list so a descriptor never changes after it is built.
     *
     * @throws IllegalArgumentException if {@code requirements} do not name {@code dependencies} in order
     */
    public PluginDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        description = description == null ? "" : description;
        dependencies = List.copyOf(dependencies);
        allowedTables = List.copyOf(allowedTables);
        allowedTopics = List.copyOf(allowedTopics);
        allowedBuckets = List.copyOf(allowedBuckets);
        requirements = List.copyOf(requirements);
        boolean match = requirements.size() == dependencies.size();
        for (int i = 0; match && i < dependencies.size(); i++) {
            match = requirements.get(i).name().equals(dependencies.get(i));
        }
        if (!match) {
            throw new IllegalArgumentException("requirements " + requirements + " do not match dependencies "
                    + dependencies);
        }
    }

    /** A descriptor whose dependencies are all required, in any version. */
    public PluginDescriptor(String name, String version, String description, List<String> dependencies,
                            List<String> allowedTables, List<String> allowedTopics, List<String> allowedBuckets) {
        this(name, version, description, dependencies, allowedTables, allowedTopics, allowedBuckets,
                dependencies.stream().map(PluginDependency::on).toList());
    }

    /** @return the declared dependency of that name, if any */
    public Optional<PluginDependency> requirement(String dependency) {
        for (PluginDependency requirement : requirements) {
            if (requirement.name().equals(dependency)) {
                return Optional.of(requirement);
            }
        }
        return Optional.empty();
    }

    /** @return {@code name@version}, as operators see it in logs */
    @Override
    public String toString() {
        return name + "@" + version;
    }
}
