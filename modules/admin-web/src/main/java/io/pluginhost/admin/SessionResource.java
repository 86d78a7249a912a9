package io.pluginhost.admin;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import java.util.Map;

/**
 * {@code GET /api/session}: who the caller is and whether they may change anything, so the console can
 * disable what the server would refuse (the server still refuses it: this only spares a 403).
 */
@Path("/session")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    @GET
    public Map<String, Object> who(@Context SecurityContext security) {
        return Map.of("user", security.getUserPrincipal() == null ? "" : security.getUserPrincipal().getName(),
                "admin", security.isUserInRole("plugin-admin"));
    }
}
