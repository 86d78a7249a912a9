package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses a body that is too large before anything reads it: 413 problem details, for every endpoint.
 * A jar may be up to {@code pluginhost.upload.max-bytes}; any other body (JSON) up to 1 MiB. A body
 * sent without a length is cut off by the same limits where it is read.
 */
@Provider
@PreMatching
public class RequestLimits implements ContainerRequestFilter {

    /** The largest JSON body any endpoint takes. */
    static final long MAX_JSON_BYTES = 1L << 20;

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

    static Response tooLarge(long limit) {
        return ProblemResponses.problem(413, "Payload Too Large", "the body is larger than " + limit + " bytes"
                + (limit == MAX_JSON_BYTES ? "" : " (pluginhost.upload.max-bytes)"));
    }
}
