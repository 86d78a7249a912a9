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
 * {@code GET /api/cluster}: what every node that shares this node's operator state says it runs, and which
 * version of that state it has followed: whether a change made on one node reached the others. Where the
 * state is not shared, this node alone.
 */
@Path("/cluster")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {

    @Inject
    PluginHost host;

    @GET
    public Map<String, Object> nodes() {
        return host.cluster();
    }
}
