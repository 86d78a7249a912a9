package io.pluginhost.runtime.resource;

/**
 * Creates the repository one plugin uses (the database, Kafka or S3 implementation). The engine
 * calls {@link #open} when a plugin loads, before {@code initialize}, hands the result to the plugin
 * behind a guard that fails once the plugin is unloaded, and closes it on unload if it is
 * {@link AutoCloseable} (closing must stop every thread and client it started for the plugin).
 *
 * @param <R> the repository interface of {@code io.pluginhost.api.resource}
 */
@FunctionalInterface
public interface RepositoryProvider<R> {

    /**
     * @param scope the plugin and its resources in effect
     * @return a repository restricted to {@code scope}
     * @throws Exception if it cannot be created; the load fails and is rolled back
     */
    R open(ResourceScope scope) throws Exception;
}
