package io.pluginhost.observability;

import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/**
 * {@code pluginhost-plugins} in {@code /health/ready}: one entry per plugin, {@code LOADED <version>} or
 * {@code FAILED: <why>} (the engine's FAILED plugins, and those whose jar failed its first load, at start or
 * when it was copied in); down while any plugin is FAILED, unless
 * {@code pluginhost.health.failed-plugin-is-down=false} (then the failures are listed but the node
 * stays in the load balancer).
 */
@Readiness
@ApplicationScoped
public class PluginsReadiness implements HealthCheck {

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
        for (PluginInfo plugin : host.plugins().list()) {
            if (plugin.state() == PluginState.FAILED) {
                failed = true;
                response.withData(plugin.name(), "FAILED: " + host.withoutServerPaths(plugin.error().orElse("unknown")));
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
