package io.pluginhost.api.resource;

import io.pluginhost.api.exception.TableAccessDeniedException;

import java.util.List;
import java.util.Map;

/**
 * SQL access restricted to the plugin's declared tables.
 *
 * <p>Statements use logical table names ({@code SELECT * FROM users}); the host parses each
 * statement, refuses any reference to a table the plugin did not declare, and rewrites the rest to
 * the physical, quoted name ({@code "my-plugin_users"}). Parameters bind to JDBC {@code ?}
 * placeholders in order, or to PostgreSQL-style {@code $1}, {@code $2} by number (one kind per
 * statement). A list of keys is one array parameter: {@code WHERE id = ANY(?)} with
 * {@code (Object) new Integer[] {...}}. Each statement runs under limits the host sets (time, rows,
 * result size), and a statement past one fails with
 * {@link io.pluginhost.api.exception.QueryLimitExceededException}.
 */
public interface DatabaseRepository {

    /**
     * Runs a query.
     *
     * @param sql    one SELECT statement (or a statement with RETURNING) over declared tables
     * @param params values for the placeholders: the {@code ?} in order, or {@code $n} by number
     * @return the rows, each a map from column label to value in column order
     * @throws TableAccessDeniedException if the statement touches anything not declared, or is not allowed
     */
    List<Map<String, Object>> executeQuery(String sql, Object... params);

    /**
     * Runs an INSERT, UPDATE, DELETE or DDL statement on declared tables.
     *
     * @param sql    one statement
     * @param params values for the placeholders: the {@code ?} in order, or {@code $n} by number
     * @return the update count (0 for DDL)
     * @throws TableAccessDeniedException if the statement touches anything not declared, or is not allowed
     */
    int executeCommand(String sql, Object... params);

    /** @return the logical table names this plugin may use, as currently in effect */
    List<String> getAllowedTables();
}
