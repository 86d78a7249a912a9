package io.pluginhost.api.exception;

/**
 * A repository call of a plugin went past a limit the host sets to keep one plugin from taking
 * what the server needs (time, rows, memory). The subclasses say which repository; {@link #limit()}
 * says which limit, and the message names the key that sets it.
 */
public class ResourceLimitExceededException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String limit;

    /**
     * @param limit   which limit, e.g. "statement timeout" or "max download bytes"
     * @param message what was exceeded, by which plugin, and the key that sets the limit
     */
    public ResourceLimitExceededException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    /** @return which limit was exceeded */
    public String limit() {
        return limit;
    }
}
