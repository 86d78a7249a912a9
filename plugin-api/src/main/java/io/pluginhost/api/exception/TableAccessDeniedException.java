package io.pluginhost.api.exception;

import java.util.List;

/**
 * Access to a table the plugin has not declared (or that is overridden away).
 */
public class TableAccessDeniedException extends ResourceAccessDeniedException {

    private static final long serialVersionUID = 1L;

    /**
     * @param pluginName the plugin
     * @param table      the logical table it asked for
     * @param allowed    the logical tables it may use
     */
    public TableAccessDeniedException(String pluginName, String table, List<String> allowed) {
        super(denial(pluginName, "table", table, allowed), table, allowed);
    }

    private TableAccessDeniedException(String message, List<String> allowed, String resource) {
        super(message, resource, allowed);
    }

    /**
     * For refusals that are not about a missing declaration: a forbidden statement, function or
     * name form.
     *
     * @param message  the full explanation, naming the plugin
     * @param resource what was refused
     * @param allowed  the logical tables the plugin may use
     * @return the exception
     */
    public static TableAccessDeniedException refused(String message, String resource, List<String> allowed) {
        return new TableAccessDeniedException(message, allowed, resource);
    }
}
