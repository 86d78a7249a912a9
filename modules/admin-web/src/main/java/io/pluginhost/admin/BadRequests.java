package io.pluginhost.admin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Malformed input the host refuses (a jar name outside the plugin directory, say): 400 problem details. */
@Provider
public class BadRequests implements ExceptionMapper<IllegalArgumentException> {

    @Override
    public Response toResponse(IllegalArgumentException error) {
        return ProblemResponses.problem(400, "Bad Request", error.getMessage());
    }
}
