package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * {@code GET /api/metrics}: each plugin's counters since the host started (executions, latency, errors,
 * events, repository calls by kind, load and unload durations), as the console shows them.
 */
@Path("/metrics")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class MetricsResource {

    @Inject
    PluginHost host;

    @GET
    public Map<String, Map<String, Object>> all() {
        return host.metrics();
    }
}
