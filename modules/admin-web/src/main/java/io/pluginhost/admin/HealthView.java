package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import io.pluginhost.runtime.KnownHealth;

import java.time.Instant;

/**
 * A plugin's word on its own health as the admin API shows it.
 *
 * @param status {@code UP} or {@code DOWN}
 * @param reason why it is down (server paths masked), or {@code null} when up
 * @param since  since when it has said so, ISO-8601: when its status last turned, or when it was first asked
 */
public record HealthView(String status, String reason, String since) {

    static HealthView of(KnownHealth known, PluginHost host) {
        return new HealthView(known.said().status().name(), host.withoutServerPaths(known.said().reason()),
                known.since().toString());
    }

    /** A plugin without a check of its own: up, as the API's default says, since it loaded. */
    static HealthView upSince(Instant loaded) {
        return new HealthView("UP", null, loaded.toString());
    }
}
