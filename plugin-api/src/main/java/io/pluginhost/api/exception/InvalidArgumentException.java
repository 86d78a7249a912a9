package io.pluginhost.api.exception;

/**
 * A plugin called the host with an argument the call cannot take: a {@code null} listener, the
 * wrong number of SQL parameters, a query method for a statement that returns no rows, an S3 key too
 * long. Nothing was done.
 */
public class InvalidArgumentException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String argument;

    /**
     * @param argument the parameter at fault, e.g. "params" or "listener"
     * @param message  what is wrong with it and what to pass instead
     */
    public InvalidArgumentException(String argument, String message) {
        super(message);
        this.argument = argument;
    }

    /** @return the parameter at fault */
    public String argument() {
        return argument;
    }
}
