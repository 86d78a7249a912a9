package io.pluginhost.admin;

import io.pluginhost.host.PluginHost;
import jakarta.inject.Inject;
import io.pluginhost.api.exception.DependencyException;
import io.pluginhost.api.exception.DependentsLoadedException;
import io.pluginhost.api.exception.DuplicatePluginException;
import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.api.exception.PluginNotFoundException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every plugin error as an RFC 9457 {@code application/problem+json} response with the status a
 * client can act on: 404 unknown plugin, 409 dependents loaded or name taken, 422 a plugin or its
 * dependencies are invalid, 500 otherwise. Only the message text is sent, never the exception, and
 * never a server path (a jar is named by its file name). A plugin not found may be one the host knows:
 * its jar failed its first load, or an operator unloaded it; the detail then says so.
 */
@Provider
public class ProblemResponses implements ExceptionMapper<PluginException> {

    /** The media type of problem details. */
    public static final String PROBLEM_JSON = "application/problem+json";

    @Inject
    PluginHost host;

    @Override
    public Response toResponse(PluginException error) {
        if (host == null) {
            return problem(status(error), title(error), error.getMessage());
        }
        String detail = host.withoutServerPaths(error.getMessage());
        if (error instanceof PluginNotFoundException notFound) {
            detail += host.whyNotLoaded(notFound.pluginName()).map(why -> ": " + why).orElse("");
        }
        return problem(status(error), title(error), detail);
    }

    static Response problem(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return Response.status(status).type(PROBLEM_JSON).entity(body).build();
    }

    private static int status(PluginException error) {
        if (error instanceof PluginNotFoundException) {
            return 404;
        }
        if (error instanceof DependentsLoadedException || error instanceof DuplicatePluginException) {
            return 409;
        }
        if (error instanceof InvalidPluginException || error instanceof InvalidNameException
                || error instanceof InvalidArgumentException
                || error instanceof DependencyException || error instanceof PluginLoadException) {
            return 422;
        }
        return 500;
    }

    private static String title(PluginException error) {
        String type = error.getClass().getSimpleName().replace("Exception", "");
        return type.replaceAll("([a-z])([A-Z])", "$1 $2");
    }
}
