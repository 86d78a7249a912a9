package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/jars}: the plugin directory over REST, so an operator never touches the file system.
 * {@code PUT /api/jars/{file}} with the jar as body loads a new plugin, or upgrades a loaded one (all or
 * nothing, dependents reloaded, the old jar kept until the new version runs); {@code GET} lists every
 * jar with its state; {@code DELETE /api/jars/{file}} removes one no loaded plugin comes from.
 */
@Path("/jars")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class JarsResource {

    @Inject
    PluginHost host;

    @GET
    public List<PluginHost.JarFile> list() throws IOException {
        return host.listJars();
    }

    /**
     * Larger than {@code pluginhost.upload.max-bytes} (default 8 MiB; Undertow's own limit, which
     * {@code configure.cli} raises to 1 GiB, must be above it): 413. The body goes to disk as it arrives,
     * never whole into memory. Answers 201 with the plugin when it loaded a new one, 200 with
     * {@code {"plugin", "from", "to", "reloaded"}} when it upgraded one, 409 when the file is the jar of
     * another plugin that is loaded.
     */
    @PUT
    @Path("/{file}")
    @Consumes({"application/java-archive", MediaType.APPLICATION_OCTET_STREAM})
    public Response put(@PathParam("file") String file, InputStream body) throws IOException {
        long limit = host.uploadLimitBytes();
        PluginHost.JarPut put;
        try {
            put = host.putJar(file, body, limit);
        } catch (PluginHost.UploadTooLargeException tooLarge) {
            return RequestLimits.tooLarge(limit);
        } catch (IllegalStateException taken) {
            return ProblemResponses.problem(409, "Conflict", taken.getMessage());
        }
        if (put.upgrade().isPresent()) {
            var upgrade = put.upgrade().get();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("plugin", upgrade.name());
            answer.put("from", upgrade.fromVersion());
            answer.put("to", upgrade.toVersion());
            answer.put("reloaded", upgrade.reloaded().stream().map(plugin -> PluginView.of(plugin, host)).toList());
            return Response.ok(answer).build();
        }
        return Response.status(201).entity(PluginView.of(put.loaded().orElseThrow(), host)).build();
    }

    @DELETE
    @Path("/{file}")
    public Response delete(@PathParam("file") String file) throws IOException {
        try {
            return host.deleteJar(file) ? Response.noContent().build()
                    : ProblemResponses.problem(404, "Not Found", "the plugin directory has no " + file);
        } catch (IllegalStateException loaded) {
            return ProblemResponses.problem(409, "Conflict", loaded.getMessage());
        }
    }
}
