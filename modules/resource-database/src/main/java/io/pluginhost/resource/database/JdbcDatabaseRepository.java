package io.pluginhost.resource.database;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.runtime.resource.ResourceScope;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One plugin's {@link DatabaseRepository}: every statement goes through the plugin's
 * {@link SqlTableGuard}, then runs on a connection from the host's {@link DataSource} with JDBC
 * {@code ?} parameters. With a role (PostgreSQL), the statement runs after {@code SET LOCAL ROLE} in
 * a transaction the plugin cannot leave (the guard refuses SET, RESET and transaction control):
 * if the connection was in auto-commit mode the repository commits; inside a caller's transaction
 * it resets the role afterwards. Values reach the plugin as JDK types only.
 */
final class JdbcDatabaseRepository implements DatabaseRepository, AutoCloseable {

    private final ResourceScope scope;
    private final DataSource dataSource;
    private final SqlTableGuard guard;
    private final String role;
    private volatile boolean closed;

    /**
     * @param scope      the plugin and its tables
     * @param dataSource the host's data source
     * @param guard      the plugin's guard
     * @param role       the role to run statements as, or {@code null} (databases without roles)
     */
    JdbcDatabaseRepository(ResourceScope scope, DataSource dataSource, SqlTableGuard guard, String role) {
        this.scope = scope;
        this.dataSource = dataSource;
        this.guard = guard;
        this.role = role;
    }

    @Override
    public List<Map<String, Object>> executeQuery(String sql, Object... params) {
        GuardedSql statement = guard.guard(sql);
        if (!statement.returnsRows()) {
            throw new IllegalArgumentException("plugin '" + scope.pluginName() + "': executeQuery runs statements that"
                    + " return rows (SELECT, or RETURNING); use executeCommand for: " + sql);
        }
        Object[] bound = statement.bind(params);
        return run(statement, bound, prepared -> {
            try (ResultSet rows = prepared.executeQuery()) {
                return rows(rows);
            }
        });
    }

    @Override
    public int executeCommand(String sql, Object... params) {
        GuardedSql statement = guard.guard(sql);
        Object[] bound = statement.bind(params);
        return run(statement, bound, prepared -> {
            if (prepared.execute()) {
                try (ResultSet ignored = prepared.getResultSet()) {
                    return 0;
                }
            }
            return Math.max(prepared.getUpdateCount(), 0);
        });
    }

    @Override
    public List<String> getAllowedTables() {
        return scope.resources().tables().allowed();
    }

    @Override
    public void close() {
        closed = true;
    }

    private interface Work<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    private <T> T run(GuardedSql statement, Object[] params, Work<T> work) {
        if (closed) {
            throw new IllegalStateException("the database repository of plugin '" + scope.pluginName()
                    + "' is closed");
        }
        try (Connection connection = dataSource.getConnection()) {
            boolean ownTransaction = role != null && connection.getAutoCommit();
            if (ownTransaction) {
                connection.setAutoCommit(false);
            }
            try {
                if (role != null) {
                    try (Statement switchRole = connection.createStatement()) {
                        switchRole.execute("SET LOCAL ROLE " + SqlNames.quote(role));
                    }
                }
                T result;
                try (PreparedStatement prepared = connection.prepareStatement(statement.sql())) {
                    bind(prepared, params);
                    result = work.run(prepared);
                }
                if (ownTransaction) {
                    connection.commit();
                } else if (role != null) {
                    try (Statement resetRole = connection.createStatement()) {
                        resetRole.execute("RESET ROLE");
                    }
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                if (ownTransaction) {
                    connection.rollback();
                }
                throw e;
            } finally {
                if (ownTransaction) {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': the database refused the statement: "
                    + e.getMessage() + " [SQLState " + e.getSQLState() + "]");
        }
    }

    private static void bind(PreparedStatement statement, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }

    private static List<Map<String, Object>> rows(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int columns = meta.getColumnCount();
        String[] labels = new String[columns];
        for (int i = 0; i < columns; i++) {
            labels[i] = meta.getColumnLabel(i + 1);
        }
        List<Map<String, Object>> result = new ArrayList<>();
        while (rows.next()) {
            Map<String, Object> row = new LinkedHashMap<>(columns * 2);
            for (int i = 0; i < columns; i++) {
                row.put(labels[i], plain(rows.getObject(i + 1)));
            }
            result.add(Collections.unmodifiableMap(row));
        }
        return result;
    }

    /** Driver types (PGobject, H2 values, LOBs, arrays) become JDK values a plugin can use. */
    private static Object plain(Object value) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof Clob clob) {
            try (Reader reader = clob.getCharacterStream()) {
                StringBuilder text = new StringBuilder();
                char[] buffer = new char[8192];
                for (int n; (n = reader.read(buffer)) > 0; ) {
                    text.append(buffer, 0, n);
                }
                return text.toString();
            } catch (IOException e) {
                throw new SQLException("cannot read a CLOB", e);
            }
        }
        if (value instanceof Blob blob) {
            try (InputStream in = blob.getBinaryStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new SQLException("cannot read a BLOB", e);
            }
        }
        if (value instanceof Array array) {
            Object elements = array.getArray();
            List<Object> list = new ArrayList<>();
            for (Object element : elements instanceof Object[] objects ? Arrays.asList(objects) : List.of()) {
                list.add(plain(element));
            }
            return list;
        }
        Module module = value.getClass().getModule();
        boolean jdk = value.getClass().getClassLoader() == null
                || module.isNamed() && module.getName().startsWith("java.");
        return jdk ? value : value.toString();
    }
}
