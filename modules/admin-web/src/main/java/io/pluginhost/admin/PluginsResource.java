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

    @Inject
    EventStream events;

    private PluginManager plugins() {
        return host.plugins();
    }

    @GET
    public List<PluginView> list() {
        return plugins().list().stream().map(PluginView::of).toList();
    }

    /** A server-sent-events stream of lifecycle ({@code event: lifecycle}) and bus ({@code event: bus}) events. */
    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@jakarta.ws.rs.core.Context jakarta.ws.rs.sse.SseEventSink sink,
                       @jakarta.ws.rs.core.Context jakarta.ws.rs.sse.Sse sse) {
        events.register(sink, sse);
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
        return Response.status(201).entity(PluginView.of(host.loadFromDirectory(jar))).build();
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

    /**
     * Uploads and loads a plugin jar: the body is the jar, {@code ?file=orders.jar} names it in the
     * plugin directory. A jar that does not load is removed again. Larger than
     * {@code pluginhost.upload.max-bytes} (default 8 MiB, below Undertow's 10 MiB max-post-size): 413.
     */
    @POST
    @Path("/upload")
    @Consumes({"application/java-archive", MediaType.APPLICATION_OCTET_STREAM})
    public Response upload(@QueryParam("file") String file, java.io.InputStream body) throws java.io.IOException {
        long limit = host.uploadLimitBytes();
        byte[] jar = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (jar.length > limit) {
            return ProblemResponses.problem(413, "Payload Too Large", "the jar is larger than " + limit
                    + " bytes (pluginhost.upload.max-bytes)");
        }
        try {
            return Response.status(201).entity(PluginView.of(host.install(file, jar))).build();
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return ProblemResponses.problem(409, "Conflict", "the plugin directory already has " + file
                    + "; unload it and delete the file, or upload under another name");
        }
    }

    @GET
    @Path("/{name}/overrides")
    public Response getOverrides(@PathParam("name") String name) {
        return plugins().getOverrides(name).map(OverridesView::of).map(Response::ok)
                .orElseGet(() -> notFound("plugin '" + name + "' has no overrides")).build();
    }

    /** Replaces the plugin's overrides; a loaded plugin is reloaded with them. */
    @jakarta.ws.rs.PUT
    @Path("/{name}/overrides")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<PluginView> putOverrides(@PathParam("name") String name, OverridesView overrides) {
        if (overrides == null) {
            throw new jakarta.ws.rs.BadRequestException("give the overrides as JSON");
        }
        return plugins().setOverrides(name, overrides.toOverrides()).stream().map(PluginView::of).toList();
    }

    @DELETE
    @Path("/{name}/overrides")
    public List<PluginView> deleteOverrides(@PathParam("name") String name) {
        return plugins().clearOverrides(name).stream().map(PluginView::of).toList();
    }

    @GET
    @Path("/{name}/config")
    public Response getConfig(@PathParam("name") String name) {
        return plugins().getConfig(name).map(settings -> Response.ok(new java.util.TreeMap<>(settings)))
                .orElseGet(() -> notFound("plugin '" + name + "' has no settings")).build();
    }

    private static Response.ResponseBuilder notFound(String detail) {
        return Response.status(404).type(ProblemResponses.PROBLEM_JSON).entity(Map.of("type", "about:blank",
                "title", "Not Found", "status", 404, "detail", detail));
    }

    /** Replaces the plugin's own settings ({@code context.config()}); a loaded plugin is reloaded with them. */
    @jakarta.ws.rs.PUT
    @Path("/{name}/config")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<PluginView> putConfig(@PathParam("name") String name, Map<String, Object> settings) {
        if (settings == null) {
            throw new jakarta.ws.rs.BadRequestException("give the settings as a JSON object of strings");
        }
        Map<String, String> text = new java.util.LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (value == null || value instanceof Map || value instanceof List) {
                throw new jakarta.ws.rs.BadRequestException("setting '" + key + "' must be a string, number or"
                        + " boolean");
            }
            text.put(key, String.valueOf(value));
        });
        return plugins().setConfig(name, text).stream().map(PluginView::of).toList();
    }

    @DELETE
    @Path("/{name}/config")
    public List<PluginView> deleteConfig(@PathParam("name") String name) {
        return plugins().clearConfig(name).stream().map(PluginView::of).toList();
    }

    /**
     * What an operator checks for leaks: unloaded plugins whose class loaders are still in memory.
     * POSTing to the same path (admins only) collects garbage first, so what remains is a leak
     * rather than garbage not yet collected.
     */
    @GET
    @Path("/diagnostics/unloaded-not-collected")
    public Map<String, Object> unloadedNotCollected() {
        List<String> alive = plugins().unloadedButNotCollected();
        return Map.of("count", alive.size(), "plugins", alive, "suspects", plugins().leakSuspects());
    }

    /**
     * Why unloaded plugins stay in memory: a heap dump analysed for the path from a GC root to each
     * leaked loader. Admins only (POST); takes seconds and pauses the server briefly.
     */
    @POST
    @Path("/diagnostics/leak-verdicts")
    public Map<String, Object> leakVerdicts() {
        Map<String, String> verdicts = host.leakVerdicts();
        return Map.of("count", verdicts.size(), "verdicts", verdicts);
    }

    @POST
    @Path("/diagnostics/unloaded-not-collected")
    public Map<String, Object> collectThenCount() throws InterruptedException {
        for (int i = 0; i < 10 && !plugins().unloadedButNotCollected().isEmpty(); i++) {
            System.gc();
            Thread.sleep(100);
        }
        return unloadedNotCollected();
    }
}
