package io.pluginhost.admin;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A body that cannot be read: one {@link JsonBodies} refuses (malformed JSON, more after the value, a
 * key twice, an array where an object is taken), or one JSON-B cannot bind. 400 problem details with
 * the reason, instead of the container's 500 with a plain-text message.
 */
@Provider
public class MalformedRequests implements ExceptionMapper<ProcessingException> {

    @Override
    public Response toResponse(ProcessingException error) {
        return badJson(error);
    }

    static Response badJson(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root instanceof StackOverflowError ? "it is nested too deeply"
                : root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return ProblemResponses.problem(400, "Bad Request", "the body is not JSON this endpoint takes: " + why);
    }

    /** The same for a JSON-B error that reaches the application unwrapped. */
    @Provider
    public static class JsonBinding implements ExceptionMapper<JsonbException> {
        @Override
        public Response toResponse(JsonbException error) {
            return badJson(error);
        }
    }
}
