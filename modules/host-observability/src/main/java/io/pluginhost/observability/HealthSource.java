package io.pluginhost.observability;

import io.pluginhost.runtime.PluginManager;

import java.util.Map;

/** What the plugin host tells its readiness checks; implemented by the host, attached when it starts. */
public interface HealthSource {

    /** @return the engine */
    PluginManager plugins();

    /** @return this node's id */
    String nodeId();

    /**
     * @return per service the host gives plugins ({@code database: <jndi name>}, {@code kafka},
     *         {@code s3}), why it cannot be reached, or {@code null} if it answered
     */
    Map<String, String> serviceProblems();

    /**
     * @return by plugin name, why its jar failed its first load: plugins the engine does not list
     *         (it lists a plugin that failed a reload as FAILED), and that no operator holds unloaded
     */
    Map<String, String> firstLoadFailures();

    /** @return the message with the server's directories masked */
    String withoutServerPaths(String message);
}
