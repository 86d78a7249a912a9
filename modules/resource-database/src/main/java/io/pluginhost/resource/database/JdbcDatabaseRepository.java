package io.pluginhost.resource.database;

import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.QueryLimitExceededException;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One plugin's {@link DatabaseRepository}: every statement goes through the plugin's
 * {@link SqlTableGuard}, then runs with JDBC {@code ?} parameters on a connection from the host's
 * {@link DataSource}. On PostgreSQL that connection is the plugin's own login
 * ({@code getConnection(role, password)}, see {@link PostgresRoles}); elsewhere it is the host's.
 *
 * <p>Limits apply to every statement: the statement timeout ({@link StatementWatchdog} cancels it), a row count (the driver is asked for one
 * row more, so going past it is seen without reading further) and an estimated result size; past any
 * of them the call fails with {@link QueryLimitExceededException} and returns nothing. An {@code Error}
 * thrown while a statement runs (the database running out of memory in-process, as H2 can) reaches
 * the plugin as a {@link PluginException} holding only its text. Values reach the plugin as JDK types.
 */
final class JdbcDatabaseRepository implements DatabaseRepository, AutoCloseable {

    private final ResourceScope scope;
    private final DataSource dataSource;
    private final SqlTableGuard guard;
    private final PostgresRoles.Login login;
    private final DatabaseSettings settings;
    private final StatementWatchdog watchdog;
    private volatile boolean closed;

    /**
     * @param scope      the plugin and its tables
     * @param dataSource the host's data source
     * @param guard      the plugin's guard
     * @param login      the plugin's own database login, or {@code null} to use the host's
     * @param settings   the limits
     * @param watchdog   cancels statements past the statement timeout
     */
    JdbcDatabaseRepository(ResourceScope scope, DataSource dataSource, SqlTableGuard guard,
                           PostgresRoles.Login login, DatabaseSettings settings, StatementWatchdog watchdog) {
        this.scope = scope;
        this.dataSource = dataSource;
        this.guard = guard;
        this.login = login;
        this.settings = settings;
        this.watchdog = watchdog;
    }

    @Override
    public List<Map<String, Object>> executeQuery(String sql, Object... params) {
        GuardedSql statement = guard.guard(sql);
        if (!statement.returnsRows()) {
            throw new InvalidArgumentException("sql", "plugin '" + scope.pluginName() + "': executeQuery runs statements that"
                    + " return rows (SELECT, or RETURNING); use executeCommand for: " + sql);
        }
        return run(statement.sql(), statement.readOnly(), statement.bind(params), this::query);
    }

    @Override
    public int executeCommand(String sql, Object... params) {
        GuardedSql statement = guard.guard(sql);
        return run(statement.sql(), statement.readOnly(), statement.bind(params), this::command);
    }

    /**
     * Runs SQL as the plugin's login without the guard: only for tests that prove the database's own
     * defence holds alone. Never reachable from a plugin.
     */
    List<Map<String, Object>> executeUnguarded(String sql) {
        return run(sql, false, new Object[0], prepared -> prepared.execute() ? rows(prepared.getResultSet())
                : List.of());
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

    private List<Map<String, Object>> query(PreparedStatement prepared) throws SQLException {
        try (ResultSet rows = prepared.executeQuery()) {
            return rows(rows);
        }
    }

    private int command(PreparedStatement prepared) throws SQLException {
        if (prepared.execute()) {
            try (ResultSet ignored = prepared.getResultSet()) {
                return 0;
            }
        }
        return Math.max(prepared.getUpdateCount(), 0);
    }

    /** @param readOnly a plain query: no transaction of its own is needed to roll it back */
    private <T> T run(String sql, boolean readOnly, Object[] params, Work<T> work) {
        if (closed) {
            throw new IllegalStateException("the database repository of plugin '" + scope.pluginName()
                    + "' is closed");
        }
        try (Connection connection = login != null ? dataSource.getConnection(login.role(), login.password())
                : dataSource.getConnection()) {
            boolean autoCommit = !readOnly && connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false); // a change that fails a limit leaves nothing behind
            }
            StatementWatchdog.Watch watch = null;
            try (PreparedStatement prepared = connection.prepareStatement(sql)) {
                prepared.setMaxRows(settings.maxRows() + 1);
                bind(prepared, params);
                watch = watchdog.watch(prepared, settings.statementTimeout());
                T result = work.run(prepared);
                watch.close();
                if (autoCommit) {
                    connection.commit();
                }
                return result;
            } catch (SQLException e) {
                if (autoCommit) {
                    rollbackQuietly(connection);
                }
                if (watch != null && watch.fired()) {
                    throw new SQLException("cancelled by the statement timeout", "57014", e);
                }
                throw e;
            } catch (RuntimeException | Error e) {
                if (autoCommit) {
                    rollbackQuietly(connection);
                }
                throw e;
            } finally {
                if (watch != null) {
                    watch.close();
                }
                if (autoCommit) {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            if ("57014".equals(e.getSQLState())) {
                throw new QueryLimitExceededException("statement timeout", "plugin '" + scope.pluginName()
                        + "': the statement ran longer than " + settings.statementTimeout().toSeconds()
                        + " s and was cancelled (pluginhost.database.statement-timeout)");
            }
            throw new PluginException("plugin '" + scope.pluginName() + "': the database refused the statement: "
                    + e.getMessage() + " [SQLState " + e.getSQLState() + "]");
        } catch (VirtualMachineError e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': the statement failed with " + e
                    + "; nothing of it was kept");
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is what the caller needs; the connection is closed next
        }
    }

    private static void bind(PreparedStatement statement, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }

    private List<Map<String, Object>> rows(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int columns = meta.getColumnCount();
        String[] labels = new String[columns];
        for (int i = 0; i < columns; i++) {
            labels[i] = meta.getColumnLabel(i + 1);
        }
        List<Map<String, Object>> result = new ArrayList<>();
        long bytes = 0;
        while (rows.next()) {
            if (result.size() == settings.maxRows()) {
                throw new QueryLimitExceededException("max rows", "plugin '" + scope.pluginName()
                        + "': the query returns more than " + settings.maxRows() + " rows; add a LIMIT or a WHERE"
                        + " (pluginhost.database.max-rows)");
            }
            Map<String, Object> row = new LinkedHashMap<>(columns * 2);
            for (int i = 0; i < columns; i++) {
                Object value = plain(rows.getObject(i + 1));
                bytes += estimatedSize(value);
                row.put(labels[i], value);
            }
            if (bytes > settings.maxResultBytes()) {
                throw new QueryLimitExceededException("max result size", "plugin '" + scope.pluginName()
                        + "': the query returns more than " + settings.maxResultBytes() + " bytes"
                        + " (pluginhost.database.max-result-bytes)");
            }
            result.add(Collections.unmodifiableMap(row));
        }
        return result;
    }

    private static long estimatedSize(Object value) {
        if (value instanceof CharSequence text) {
            return 2L * text.length();
        }
        if (value instanceof byte[] data) {
            return data.length;
        }
        if (value instanceof List<?> list) {
            long size = 16;
            for (Object element : list) {
                size += estimatedSize(element);
            }
            return size;
        }
        return 16;
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
