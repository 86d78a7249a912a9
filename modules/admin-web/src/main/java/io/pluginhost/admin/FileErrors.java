package io.pluginhost.admin;

import io.pluginhost.host.FileProblems;
import io.pluginhost.host.OperatorStateNotSavedException;
import io.pluginhost.host.PluginHost;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A file the host cannot write or read: a read-only plugin directory or state file, a full disk. 500
 * problem details that name the file and the reason, instead of the container's plain-text 500 with
 * the server's paths; the log has the whole exception.
 */
@Provider
public class FileErrors implements ExceptionMapper<IOException> {

    private static final Logger LOG = Logger.getLogger(FileErrors.class.getName());

    @Inject
    PluginHost host;

    @Override
    public Response toResponse(IOException error) {
        return answer(host, error, describe(error));
    }

    private static Response answer(PluginHost host, Exception error, String detail) {
        LOG.log(Level.WARNING, "an admin request failed on a file: " + detail, error);
        return ProblemResponses.problem(500, "Internal Server Error",
                host == null ? detail : host.withoutServerPaths(detail));
    }

    /** @return what failed, with a file's name but not its path */
    static String describe(IOException error) {
        return (error instanceof FileSystemException ? "cannot write or read " : "") + FileProblems.describe(error);
    }

    /**
     * The same for one wrapped unchecked. The host's own ({@link OperatorStateNotSavedException}) says what
     * it was doing, without paths; any other is told by its cause, since its message is often the cause's
     * text, path and all.
     */
    @Provider
    public static class Unchecked implements ExceptionMapper<UncheckedIOException> {

        @Inject
        PluginHost host;

        @Override
        public Response toResponse(UncheckedIOException error) {
            return answer(host, error, describe(error));
        }
    }

    /** @return what failed: the host's own message, or the cause's file and reason */
    static String describe(UncheckedIOException error) {
        return error instanceof OperatorStateNotSavedException ? error.getMessage() : describe(error.getCause());
    }
}
