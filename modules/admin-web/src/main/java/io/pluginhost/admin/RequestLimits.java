package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses a body that is too large before anything reads it: 413 problem details, for every endpoint.
 * A jar may be up to {@code pluginhost.upload.max-bytes}; any other body (JSON) up to 1 MiB. A body
 * sent without a length is cut off by the same limits where it is read (a jar as it is staged,
 * JSON by {@link JsonBodies}, which throws {@link TooLarge}).
 */
@Provider
@PreMatching
public class RequestLimits implements ContainerRequestFilter {

    /** The largest JSON body any endpoint takes. */
    static final long MAX_JSON_BYTES = PluginHost.MAX_JSON_BYTES;

    @Inject
    PluginHost host;

    @Override
    public void filter(ContainerRequestContext request) {
        int length = request.getLength();
        if (length < 0) {
            return;
        }
        long limit = request.getUriInfo().getPath().startsWith("jars") || request.getUriInfo().getPath()
                .startsWith("/jars") ? host.uploadLimitBytes() : MAX_JSON_BYTES;
        if (length > limit) {
            request.abortWith(tooLarge(limit));
        }
    }

    /** A body without a length that a reader found longer than its limit: answered as one refused by its length. */
    static final class TooLarge extends RuntimeException {

        private final long limit;

        TooLarge(long limit) {
            super("the body is larger than " + limit + " bytes", null, false, false);
            this.limit = limit;
        }
    }

    /** Answers {@link TooLarge} with the 413 a body with its length gets. */
    @Provider
    public static class TooLargeBodies implements ExceptionMapper<TooLarge> {

        @Override
        public Response toResponse(TooLarge error) {
            return tooLarge(error.limit);
        }
    }

    static Response tooLarge(long limit) {
        return ProblemResponses.problem(413, "Payload Too Large", "the body is larger than " + limit + " bytes"
                + (limit == MAX_JSON_BYTES ? "" : " (pluginhost.upload.max-bytes)"));
    }
}
