package io.pluginhost.api.exception;

/**
 * A database statement of a plugin went past a limit the host sets: its run time, the number of
 * rows or the size of the result. Nothing the statement returned reaches the plugin; a statement
 * that changed rows is rolled back when the repository opened the transaction.
 */
public class QueryLimitExceededException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String limit;

    /**
     * @param limit   which limit: "statement timeout", "max rows" or "max result size"
     * @param message what was exceeded, by which plugin, and the key that sets the limit
     */
    public QueryLimitExceededException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    /** @return which limit was exceeded: "statement timeout", "max rows" or "max result size" */
    public String limit() {
        return limit;
    }
}
