package io.pluginhost.host;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Locale;

/** What a failed file operation says to an operator: the file's name and the reason, never its path. */
public final class FileProblems {

    private FileProblems() {
    }

    /**
     * @param error a failed file operation
     * @return e.g. {@code orders.jar: Operation not permitted} or {@code plugins: directory not empty} for a
     *         file system error; otherwise its message
     */
    public static String describe(IOException error) {
        if (error instanceof FileSystemException file) {
            String name = file.getFile() == null ? "a file" : String.valueOf(Path.of(file.getFile()).getFileName());
            String why = file.getReason() != null ? file.getReason()
                    : file.getClass().getSimpleName().replace("Exception", "")
                            .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
            return name + ": " + why;
        }
        return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    }
}
