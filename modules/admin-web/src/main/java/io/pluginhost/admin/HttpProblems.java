package io.pluginhost.admin;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every HTTP error the JAX-RS runtime raises (404 no such path, 405, 406, 415 wrong content type, a
 * {@code BadRequestException} of a resource) as problem details with its own status, so a client
 * parses one error format. The runtime's own errors are told in the API's words, not RESTEasy's
 * ({@code RESTEASY003650: ...}), and a 405 keeps the {@code Allow} header HTTP requires of it.
 */
@Provider
public class HttpProblems implements ExceptionMapper<WebApplicationException> {

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uri;

    @Context
    Request request;

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
        Response problem = ProblemResponses.problem(status, type == null ? "Error" : type.getReasonPhrase(),
                detail(error, response));
        if (error instanceof NotAllowedException && !response.getAllowedMethods().isEmpty()) {
            return Response.fromResponse(problem).allow(response.getAllowedMethods()).build();
        }
        return problem;
    }

    private String detail(WebApplicationException error, Response response) {
        String path = uri == null ? "this path" : uri.getRequestUri().getRawPath();
        if (error instanceof NotSupportedException) {
            return "the body's type " + (headers.getMediaType() == null ? "(none given)" : headers.getMediaType())
                    + " is not one this endpoint takes: JSON bodies are application/json, jars"
                    + " application/java-archive";
        }
        if (error instanceof NotAllowedException) {
            Set<String> allowed = response.getAllowedMethods();
            return (request == null ? "this method" : request.getMethod()) + " is not a method " + path + " takes"
                    + (allowed.isEmpty() ? "" : "; it takes " + String.join(", ", new TreeSet<>(allowed)));
        }
        if (error instanceof NotAcceptableException) {
            return "this endpoint answers in application/json (problems in application/problem+json, the event"
                    + " stream in text/event-stream), none of which the request's Accept header ("
                    + String.join(", ", headers.getRequestHeader(HttpHeaders.ACCEPT) == null ? List.of()
                            : headers.getRequestHeader(HttpHeaders.ACCEPT)) + ") takes";
        }
        if (error instanceof NotFoundException && isTheRuntimes(error)) {
            return "no such path: " + path + "; the API's paths start with /plugins, /jars, /events, /diagnostics,"
                    + " /metrics or /session";
        }
        return error.getMessage();
    }

    /** An error of the JAX-RS runtime's own making: its message is RESTEasy's, with a message code. */
    private static boolean isTheRuntimes(WebApplicationException error) {
        return error.getMessage() == null || error.getMessage().startsWith("RESTEASY");
    }
}
