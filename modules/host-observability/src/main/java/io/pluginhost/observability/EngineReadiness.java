package io.pluginhost.observability;

import io.pluginhost.runtime.PluginState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code pluginhost} in {@code /health/ready}: the engine has started and read the plugin directory;
 * with how many plugins are loaded and failed (listed by the engine as FAILED, or whose jar failed
 * its first load, as {@code pluginhost-plugins} reports them), and the class loaders of unloaded
 * plugins still in memory (a leak once a collection has run).
 */
@Readiness
@ApplicationScoped
public class EngineReadiness implements HealthCheck {

    @Inject
    HostHealth health;

    @Override
    public HealthCheckResponse call() {
        return health.report("pluginhost", host -> {
            var plugins = host.plugins();
            var list = plugins.list();
            return HealthCheckResponse.named("pluginhost").up()
                    .withData("node", host.nodeId())
                    .withData("loaded", list.stream().filter(p -> p.state() == PluginState.LOADED).count())
                    .withData("failed", list.stream().filter(p -> p.state() == PluginState.FAILED).count()
                            + host.firstLoadFailures().size())
                    .withData("unloadedNotCollected", plugins.unloadedButNotCollected().size())
                    .build();
        });
    }
}
