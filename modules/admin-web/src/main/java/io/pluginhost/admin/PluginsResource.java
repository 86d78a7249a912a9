package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginManager;
import io.pluginhost.runtime.PluginState;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
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
    ExecuteBulkhead bulkhead;

    /** How long a plugin's health check may take when an operator asks for it. */
    @Inject
    @ConfigProperty(name = "pluginhost.health.plugin-check-timeout", defaultValue = "PT0.5S")
    Duration checkTimeout;

    private PluginManager plugins() {
        return host.plugins();
    }

    private List<PluginView> views(List<PluginInfo> infos) {
        return infos.stream().map(info -> PluginView.of(info, host)).toList();
    }

    @GET
    public List<PluginView> list() {
        return views(plugins().list());
    }

    @GET
    @Path("/{name}")
    public PluginView get(@PathParam("name") String name) {
        return PluginView.of(plugins().get(name), host);
    }

    /**
     * Loads a jar that is already in the plugin directory: {@code {"jar": "orders.jar"}}.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response load(Map<String, Object> request) {
        if (request == null || !(request.get("jar") instanceof String jar) || jar.isBlank()) {
            return ProblemResponses.problem(400, "Bad Request", "give the jar to load: {\"jar\": \"name.jar\"}");
        }
        return Response.status(201).entity(PluginView.of(host.loadFromDirectory(jar), host)).build();
    }

    @DELETE
    @Path("/{name}")
    public Response unload(@PathParam("name") String name, @QueryParam("cascade") String cascade,
                           @QueryParam("force") String force) {
        boolean cascading = flag("cascade", cascade);
        boolean forced = flag("force", force);
        List<String> before = loadedNames();
        try {
            return Response.ok(Map.of("unloaded", host.unload(name, cascading, forced))).build();
        } catch (PluginUnloadException e) {
            String detail = host.withoutServerPaths(e.getMessage());
            if (plugins().find(name).filter(p -> p.state() == PluginState.LOADED).isPresent()) {
                // Calls in flight did not finish within the drain timeout: nothing was unloaded.
                return ProblemResponses.problem(409, "Plugin Busy", detail + ". An unload with force=true"
                        + " unloads it anyway and leaves those calls running until they return.");
            }
            List<String> unloaded = new java.util.ArrayList<>(before);
            unloaded.removeAll(loadedNames());
            return Response.ok(Map.of("unloaded", unloaded, "warning", detail)).build(); // cleanup failed
        }
    }

    /**
     * A yes-or-no query parameter: absent or {@code false} is no, {@code true} yes (any case). Anything
     * else is refused rather than read as no, as JAX-RS reads a {@code boolean}: an operator who wrote
     * {@code cascade=1} meant yes.
     */
    private static boolean flag(String parameter, String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new jakarta.ws.rs.BadRequestException("'" + parameter + "' is true or false, not '" + value + "'");
    }

    private List<String> loadedNames() {
        return plugins().list().stream().filter(p -> p.state() == PluginState.LOADED).map(p -> p.name()).toList();
    }

    /**
     * Asks the plugin now whether it can do its work, bounded by {@code pluginhost.health.plugin-check-timeout} as
     * the readiness check is: {@code {"status", "reason", "since"}}, 200 whatever it says (a plugin without a
     * check of its own is up since it loaded).
     */
    @GET
    @Path("/{name}/health")
    public Response health(@PathParam("name") String name) {
        if (checkTimeout.isNegative() || checkTimeout.isZero()) {
            return ProblemResponses.problem(500, "Invalid Configuration",
                    "pluginhost.health.plugin-check-timeout must be positive, not " + checkTimeout);
        }
        plugins().health(name, checkTimeout);
        PluginInfo asked = plugins().get(name);
        return Response.ok(asked.health().map(known -> HealthView.of(known, host))
                .orElseGet(() -> HealthView.upSince(asked.since()))).build();
    }

    @POST
    @Path("/{name}/reload")
    public List<PluginView> reload(@PathParam("name") String name) {
        return views(plugins().reload(name));
    }

    /**
     * Calls the plugin's execute with the JSON body; answers {@code {"result": ...}}, or 503 when the
     * plugin already runs {@code pluginhost.execute.max-concurrent} calls from REST, or plugins run
     * {@code pluginhost.execute.max-concurrent-total} in all, and none ended within
     * {@code pluginhost.execute.queue-wait} ({@link ExecuteBulkhead}).
     */
    @POST
    @Path("/{name}/execute")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response execute(@PathParam("name") String name, Object input) throws InterruptedException {
        try {
            if (plugins().find(name).isEmpty()) {
                // Throws as any call of a plugin that is not loaded does (or, loaded just now, runs outside the cap).
                return respond(plugins().execute(name, input, result -> written(name, result)));
            }
            ExecuteBulkhead.Place place;
            try {
                place = bulkhead.enter(name);
            } catch (ExecuteBulkhead.Full full) {
                return Response.fromResponse(ProblemResponses.problem(503, "Plugin Busy", full.getMessage()))
                        .header("Retry-After", "1").build();
            }
            try (place) {
                return respond(plugins().execute(name, input, result -> written(name, result)));
            }
        } finally {
            // The request thread is the container's and outlives every plugin: what plugin code left in its
            // thread locals (a library's per-thread cache) would keep an unloaded plugin's loader.
            plugins().releaseCallingThread();
        }
    }

    /** An execute result as JSON text, or why it cannot be (a problem's title and detail). */
    private record Written(String body, String title, String problem) {
    }

    /**
     * Writes the result here, not in the JAX-RS provider, and inside the plugin's call: writing runs the
     * plugin's code (its getters), which an unload must wait for as for execute itself. A result that
     * cannot be written (cyclic, or nested deeper than the writer's stack) is the plugin's failure, a 500
     * that says so, where the provider's failure would be answered as a malformed request.
     */
    private Written written(String plugin, Object result) {
        int most = bulkhead.maxResultChars();
        try {
            return host.pluginObjectJson().toJson(java.util.Collections.singletonMap("result", result), most)
                    .map(body -> new Written(body, null, null))
                    .orElseGet(() -> new Written(null, "Plugin Result Too Large", "plugin '" + plugin + "' returned"
                            + " a result longer than " + most + " characters of JSON, the most the host writes"
                            + " (pluginhost.execute.max-result-chars); return less, or put it in S3 and return its"
                            + " key"));
        } catch (RuntimeException | StackOverflowError e) {
            return new Written(null, "Plugin Result Not JSON", "plugin '" + plugin + "' returned a "
                    + (result == null ? "null" : result.getClass().getName()) + " that cannot be written as JSON: "
                    + (e instanceof StackOverflowError ? "it is cyclic, or nested too deeply" : e.getMessage()));
        }
    }

    private static Response respond(Written written) {
        return written.problem() != null ? ProblemResponses.problem(500, written.title(), written.problem())
                : Response.ok(written.body(), MediaType.APPLICATION_JSON_TYPE).build();
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
    public Response putOverrides(@PathParam("name") String name, Map<String, Object> overrides) {
        if (overrides == null) {
            return ProblemResponses.problem(400, "Bad Request", "give the overrides as a JSON object");
        }
        List<String> unknown = overrides.keySet().stream().filter(k -> !OverridesView.FIELDS.contains(k)).toList();
        if (!unknown.isEmpty()) {
            return ProblemResponses.problem(422, "Unknown Fields", "unknown override field(s) " + unknown
                    + "; known: " + OverridesView.FIELDS + "; nothing was changed");
        }
        return Response.ok(views(host.setOverrides(name, OverridesView.from(overrides).toOverrides()))).build();
    }

    @DELETE
    @Path("/{name}/overrides")
    public List<PluginView> deleteOverrides(@PathParam("name") String name) {
        return views(host.clearOverrides(name));
    }

    /** The plugin's own settings; a viewer reads a secret's value masked ({@link SensitiveSettings}). */
    @GET
    @Path("/{name}/config")
    public Response getConfig(@PathParam("name") String name, @Context SecurityContext security) {
        boolean admin = security.isUserInRole("plugin-admin");
        return plugins().getConfig(name)
                .map(settings -> Response.ok(admin ? new java.util.TreeMap<>(settings)
                        : SensitiveSettings.masked(settings)))
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
        return views(host.setConfig(name, text));
    }

    @DELETE
    @Path("/{name}/config")
    public List<PluginView> deleteConfig(@PathParam("name") String name) {
        return views(host.clearConfig(name));
    }
}
