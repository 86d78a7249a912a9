package io.pluginhost.observability;

import io.pluginhost.api.PluginHealth;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.Map;

/**
 * {@code pluginhost-plugins} in {@code /health/ready}: one entry per plugin, {@code LOADED <version>},
 * {@code LOADED <version>, DOWN: <why>} for a plugin whose own {@code health()} says it cannot do its work, or
 * {@code FAILED: <why>} (the engine's FAILED plugins, and those whose jar failed its first load, at start or
 * when it was copied in); down while any plugin is FAILED or says it is down, unless
 * {@code pluginhost.health.failed-plugin-is-down=false} (then they are listed but the node stays in the load
 * balancer). The plugins' checks run at once, all bounded by {@code pluginhost.health.plugin-check-timeout}.
 */
@Readiness
@ApplicationScoped
public class PluginsReadiness implements HealthCheck {

    private static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofMillis(500);

    @Inject
    HostHealth health;

    @Inject
    Config config;

    @Override
    public HealthCheckResponse call() {
        return health.report("pluginhost-plugins", this::report);
    }

    private HealthCheckResponse report(HealthSource host) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("pluginhost-plugins");
        boolean failed = false;
        Duration timeout = config.getOptionalValue("pluginhost.health.plugin-check-timeout", Duration.class)
                .orElse(DEFAULT_CHECK_TIMEOUT);
        if (timeout.isNegative() || timeout.isZero()) { // said here, where an operator looks when the node is out
            return response.down().withData("configuration", "pluginhost.health.plugin-check-timeout must be"
                    + " positive, not " + timeout).build();
        }
        Map<String, PluginHealth> checks = host.plugins().health(timeout);
        for (PluginInfo plugin : host.plugins().list()) {
            PluginHealth own = checks.get(plugin.name());
            if (plugin.state() == PluginState.FAILED) {
                failed = true;
                response.withData(plugin.name(), "FAILED: " + host.withoutServerPaths(plugin.error().orElse("unknown")));
            } else if (own != null && !own.isUp()) {
                failed = true; // loaded, but it says it cannot do its work: as down as a failed one
                response.withData(plugin.name(), plugin.state().name() + " " + plugin.version() + ", DOWN: "
                        + host.withoutServerPaths(own.reason()));
            } else {
                response.withData(plugin.name(), plugin.state().name() + " " + plugin.version());
            }
        }
        for (Map.Entry<String, String> firstLoad : host.firstLoadFailures().entrySet()) {
            failed = true; // a jar of the plugin directory whose plugin never loaded: as down as a failed reload
            response.withData(firstLoad.getKey(), "FAILED: " + host.withoutServerPaths(firstLoad.getValue()));
        }
        boolean failedIsDown = config.getOptionalValue("pluginhost.health.failed-plugin-is-down", Boolean.class)
                .orElse(true);
        return response.status(!(failed && failedIsDown)).build();
    }
}
