package io.pluginhost.resource.database;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The host's own tables in its database ({@code pluginhost$...}, a name no plugin's table has): made by the
 * first host that needs one, and on PostgreSQL owned by the host's user, or refused. A plugin's role may
 * create tables in the host's schema; one that made a host table first would choose what it holds.
 */
final class HostTables {

    private HostTables() {
    }

    /**
     * @param dataSource the host's data source, looked up now
     * @return a connection of the host's user whose every statement is its own transaction, whatever the
     *         pool's default: what the host keeps in its tables must hold at once, for the other nodes
     * @throws Exception if the data source cannot be found or connected to
     */
    static Connection autoCommitting(Callable<DataSource> dataSource) throws Exception {
        Connection connection = dataSource.call().getConnection();
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** @return the statement, cancelled after {@code timeoutSeconds} */
    static PreparedStatement prepare(Connection connection, String sql, int timeoutSeconds) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout(timeoutSeconds);
        return statement;
    }

    /**
     * Makes the table unless it exists, and checks who owns it.
     *
     * @param connection a connection of the host's user
     * @param table      the table's name, unquoted
     * @param columns    its columns and constraints, as {@code CREATE TABLE} takes them in parentheses
     * @param hint       what an operator can do if another role owns it
     * @throws SQLException if it cannot be made or read, or another role owns it
     */
    static void make(Connection connection, String table, String columns, String hint) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + SqlNames.quote(table) + " (" + columns + ")");
        } catch (SQLException raced) {
            // Nodes creating it at once: PostgreSQL tells all but one that the table (42P07), its row type
            // (42710) or their catalog entries (23505) exist already; the table does.
            if (!List.of("23505", "42P07", "42710").contains(raced.getSQLState())) {
                throw raced;
            }
        }
        if (!connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgresql")) {
            return; // H2 runs in the host's JVM, as the host's user only
        }
        try (PreparedStatement owner = connection.prepareStatement("SELECT tableowner, current_user FROM pg_tables"
                + " WHERE schemaname = current_schema() AND tablename = ?")) {
            owner.setString(1, table);
            try (ResultSet rows = owner.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("the table " + table + " is not in the host's schema");
                }
                if (!rows.getString(1).equals(rows.getString(2))) {
                    throw new SQLException("the table " + table + " is owned by " + rows.getString(1)
                            + ", not by the host's user " + rows.getString(2) + ": " + hint);
                }
            }
        }
    }
}
