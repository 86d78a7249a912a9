package io.pluginhost.resource.database;

/**
 * A plugin statement the guard accepted, rewritten to physical, quoted table names.
 *
 * @param sql         the statement to run
 * @param returnsRows whether it produces a result set (a query, or DML with RETURNING)
 */
public record GuardedSql(String sql, boolean returnsRows) {
}
