package io.pluginhost.admin;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Every HTTP error the JAX-RS runtime raises (404 no such path, 405, 415 wrong content type, a
 * {@code BadRequestException} of a resource) as problem details with its own status, so a client
 * parses one error format.
 */
@Provider
public class HttpProblems implements ExceptionMapper<WebApplicationException> {

    @Context
    HttpHeaders headers;

    @Override
    public Response toResponse(WebApplicationException error) {
        Response response = error.getResponse();
        if (response != null && response.hasEntity()) {
            return response; // a resource built its own answer
        }
        int status = response == null ? 500 : response.getStatus();
        if (error.getCause() instanceof jakarta.json.bind.JsonbException
                || error.getCause() instanceof jakarta.ws.rs.ProcessingException) {
            return MalformedRequests.badJson(error.getCause());
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String detail = error instanceof NotSupportedException
                ? "the body's type " + (headers.getMediaType() == null ? "(none given)" : headers.getMediaType())
                + " is not one this endpoint takes: JSON bodies are application/json, jars application/java-archive"
                : error.getMessage();
        return ProblemResponses.problem(status, type == null ? "Error" : type.getReasonPhrase(), detail);
    }
}
