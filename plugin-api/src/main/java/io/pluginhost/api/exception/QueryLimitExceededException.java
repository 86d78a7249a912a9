package io.pluginhost.api.exception;

/**
 * A database statement of a plugin went past a limit the host sets: its run time, the number of
 * rows or the size of the result ({@link #limit()}: "statement timeout", "max rows" or "max result
 * size"). Nothing the statement returned reaches the plugin; a statement that changed rows is rolled
 * back when the repository opened the transaction.
 */
public class QueryLimitExceededException extends ResourceLimitExceededException {

    private static final long serialVersionUID = 1L;

    /**
     * @param limit   which limit: "statement timeout", "max rows" or "max result size"
     * @param message what was exceeded, by which plugin, and the key that sets the limit
     */
    public QueryLimitExceededException(String limit, String message) {
        super(limit, message);
    }
}
