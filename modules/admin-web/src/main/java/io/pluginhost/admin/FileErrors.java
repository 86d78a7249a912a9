package io.pluginhost.admin;

import io.pluginhost.host.FileProblems;
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
        return answer(error, describe(error));
    }

    Response answer(Exception error, String detail) {
        LOG.log(Level.WARNING, "an admin request failed on a file: " + detail, error);
        return ProblemResponses.problem(500, "Internal Server Error",
                host == null ? detail : host.withoutServerPaths(detail));
    }

    /** @return what failed, with a file's name but not its path */
    static String describe(IOException error) {
        return (error instanceof FileSystemException ? "cannot write or read " : "") + FileProblems.describe(error);
    }

    /** The same for one wrapped unchecked; its own message, where it has one, says what it was doing. */
    @Provider
    public static class Unchecked implements ExceptionMapper<UncheckedIOException> {

        @Inject
        PluginHost host;

        @Override
        public Response toResponse(UncheckedIOException error) {
            FileErrors answering = new FileErrors();
            answering.host = host;
            return answering.answer(error, error.getMessage() != null ? error.getMessage()
                    : describe(error.getCause()));
        }
    }
}
