package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import io.pluginhost.runtime.PluginManager;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * Plugins over REST. Thin: every rule about plugins is the engine's; this class translates HTTP to
 * engine calls and results to JSON. A response never holds a plugin object (an idle worker thread
 * would keep it reachable): views are text, and execute results must be JSON-shaped values.
 */
@Path("/plugins")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class PluginsResource {

    @Inject
    PluginHost host;

    private PluginManager plugins() {
        return host.plugins();
    }

    @GET
    public List<PluginView> list() {
        return plugins().list().stream().map(PluginView::of).toList();
    }

    @GET
    @Path("/{name}")
    public PluginView get(@PathParam("name") String name) {
        return PluginView.of(plugins().get(name));
    }

    /**
     * Loads a jar that is already in the plugin directory: {@code {"jar": "orders.jar"}}.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response load(Map<String, String> request) {
        String jar = request == null ? null : request.get("jar");
        if (jar == null || jar.isBlank()) {
            return ProblemResponses.problem(400, "Bad Request", "give the jar to load: {\"jar\": \"name.jar\"}");
        }
        java.nio.file.Path directory = host.pluginDirectory();
        java.nio.file.Path path = directory.resolve(jar).normalize();
        if (!path.getParent().equals(directory) || !Files.isRegularFile(path)) {
            return ProblemResponses.problem(400, "Bad Request", "'" + jar + "' is not a jar in the plugin directory "
                    + directory);
        }
        return Response.status(201).entity(PluginView.of(plugins().load(path))).build();
    }

    @DELETE
    @Path("/{name}")
    public Map<String, List<String>> unload(@PathParam("name") String name, @QueryParam("cascade") boolean cascade) {
        return Map.of("unloaded", plugins().unload(name, cascade));
    }

    @POST
    @Path("/{name}/reload")
    public List<PluginView> reload(@PathParam("name") String name) {
        return plugins().reload(name).stream().map(PluginView::of).toList();
    }

    /** Calls the plugin's execute with the JSON body; answers {@code {"result": ...}}. */
    @POST
    @Path("/{name}/execute")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> execute(@PathParam("name") String name, Object input) {
        Object result = plugins().execute(name, input);
        return java.util.Collections.singletonMap("result", result);
    }

    /** What an operator checks for leaks: unloaded plugins whose class loaders are still in memory. */
    @GET
    @Path("/diagnostics/unloaded-not-collected")
    public Map<String, Object> unloadedNotCollected() {
        List<String> alive = plugins().unloadedButNotCollected();
        return Map.of("count", alive.size(), "plugins", alive);
    }
}
