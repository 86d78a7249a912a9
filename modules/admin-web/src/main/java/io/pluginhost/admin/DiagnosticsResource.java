package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/** {@code /api/diagnostics}: what an operator checks for class-loader leaks. */
@Path("/diagnostics")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DiagnosticsResource {

    @Inject
    PluginHost host;

    /**
     * Unloaded plugins whose class loaders are still in memory. POSTing to the same path (admins only)
     * collects garbage first, so what remains is a leak rather than garbage not yet collected.
     */
    @GET
    @Path("/unloaded-not-collected")
    public Map<String, Object> unloadedNotCollected() {
        List<String> alive = host.plugins().unloadedButNotCollected();
        return Map.of("count", alive.size(), "plugins", alive, "suspects", host.plugins().leakSuspects());
    }

    @POST
    @Path("/unloaded-not-collected")
    public Map<String, Object> collectThenCount() throws InterruptedException {
        for (int i = 0; i < 10 && !host.plugins().unloadedButNotCollected().isEmpty(); i++) {
            System.gc();
            Thread.sleep(100);
        }
        return unloadedNotCollected();
    }

    /**
     * Why unloaded plugins stay in memory: a heap dump analysed for the path from a GC root to each
     * leaked loader. Admins only (POST); takes seconds and pauses the server briefly.
     */
    @POST
    @Path("/leak-verdicts")
    public Map<String, Object> leakVerdicts() {
        Map<String, String> verdicts = host.leakVerdicts();
        return Map.of("count", verdicts.size(), "verdicts", verdicts);
    }
}
