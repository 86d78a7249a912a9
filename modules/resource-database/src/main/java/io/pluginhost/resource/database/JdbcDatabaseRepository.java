package io.pluginhost.resource.database;

import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.QueryLimitExceededException;
import io.pluginhost.api.exception.TransactionConflictException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.runtime.resource.ResourceScope;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One plugin's {@link DatabaseRepository}: every statement goes through the plugin's
 * {@link SqlTableGuard}, then runs with JDBC {@code ?} parameters on a connection from the host's
 * {@link DataSource}. On PostgreSQL that connection is the plugin's own login
 * ({@code getConnection(role, password)}, see {@link PostgresRoles}); elsewhere it is the host's.
 *
 * <p>Limits apply to every statement: the statement timeout ({@link StatementWatchdog} cancels it), a row count
 * (the driver is asked for one row more, so going past it is seen without reading further) and an estimated
 * result size; past any of them the call fails with {@link QueryLimitExceededException} and returns nothing.
 * An {@code Error} thrown while a statement runs (the database running out of memory in-process, as H2 can)
 * reaches the plugin as a {@link PluginException} holding only its text. Values reach the plugin as JDK types.
 *
 * <p>Each statement runs on a connection of its own and commits alone, but in {@link #inTransaction}: there
 * the statements of the work's thread share the transaction's connection (a thread-local, as the work's
 * thread is the only one that may use it), and any failure of one rolls the transaction back. A batch
 * ({@link #executeBatch}) is one statement run for each of its rows, and commits or fails as one.
 */
final class JdbcDatabaseRepository implements DatabaseRepository, AutoCloseable {

    /** What a conflict's failure tells the plugin to do. */
    private static final String RUN_AGAIN = "it conflicted with another transaction, and nothing of it was kept:"
            + " run it again";

    private final ResourceScope scope;
    private final DataSource dataSource;
    private final SqlTableGuard guard;
    private final PostgresRoles.Login login;
    private final DatabaseSettings settings;
    private final StatementWatchdog watchdog;
    private volatile boolean closed;
    /** The transaction the plugin runs on this thread ({@link #inTransaction}): its statements here join it. */
    private final ThreadLocal<Transaction> transactions = new ThreadLocal<>();

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
            throw new InvalidArgumentException("sql", "plugin '" + scope.pluginName() + "': executeQuery runs"
                    + " statements that return rows (SELECT, or RETURNING); use executeCommand for: " + sql);
        }
        return run(statement.sql(), statement.readOnly(), statement.bind(params), this::query);
    }

    @Override
    public int executeCommand(String sql, Object... params) {
        GuardedSql statement = guard.guard(sql);
        return run(statement.sql(), statement.readOnly(), statement.bind(params), this::command);
    }

    @Override
    public int[] executeBatch(String sql, List<Object[]> rows) {
        GuardedSql statement = guard.guard(sql);
        if (statement.returnsRows()) {
            throw new InvalidArgumentException("sql", "plugin '" + scope.pluginName() + "': executeBatch runs"
                    + " statements that return no rows (no SELECT, no RETURNING); use executeQuery for: " + sql);
        }
        if (rows == null) {
            throw new InvalidArgumentException("rows", "plugin '" + scope.pluginName() + "': executeBatch was given"
                    + " no rows; an empty list runs none");
        }
        List<Object[]> bound = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            if (row == null) {
                throw new InvalidArgumentException("rows", "the batch's row at index " + bound.size() + " is null");
            }
            try {
                bound.add(statement.bind(row));
            } catch (InvalidArgumentException e) {
                throw new InvalidArgumentException("rows", "the batch's row at index " + bound.size() + ": "
                        + e.getMessage());
            }
        }
        if (bound.isEmpty()) {
            checkOpen();
            return new int[0];
        }
        return run(statement.sql(), false, new Object[0], prepared -> batch(prepared, bound));
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

    /** Refuses statements and transactions from now on; a transaction in progress rolls back at its next. */
    @Override
    public void close() {
        closed = true;
    }

    private interface Work<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    private interface Call<T> {
        T call() throws SQLException;
    }

    /** A transaction's connection and the first failure in it: used by the one thread that runs its work. */
    private final class Transaction {
        final Connection connection;
        /**
         * The isolation level the plugin asked for, or -1 for the connection's own; and, where it asked, the
         * connection's level before, to which the end returns it. Read only where asked: PostgreSQL's driver
         * asks the server for it, a round trip each transaction would otherwise pay.
         */
        final int level;
        int levelBefore = -1;
        /** What a statement failed with, after which the transaction can only roll back; null while none has. */
        String failure;
        /** Whether that failure was a conflict with another transaction, which the work run again may not meet. */
        boolean conflict;

        Transaction(Connection connection, int level) {
            this.connection = connection;
            this.level = level;
        }

        /**
         * Runs a statement, which the database may refuse: PostgreSQL then aborts the transaction, H2 does
         * not; the transaction is marked failed on both, so that it rolls back on both. So is it when a
         * statement that changed rows returns more than a limit lets the plugin see: it was told that nothing
         * of it was kept.
         *
         * @param readOnly whether the statement is a plain query, which a limit stops with nothing done
         */
        <T> T run(boolean readOnly, Call<T> statement) {
            checkNotFailed();
            try {
                return statement.call();
            } catch (SQLException e) {
                throw failed(translated(e));
            } catch (QueryLimitExceededException e) {
                throw readOnly ? e : failed(e);
            } catch (RuntimeException | Error e) {
                failure = String.valueOf(e);
                conflict = false;
                throw e;
            }
        }

        void checkNotFailed() {
            if (failure != null) {
                throw new PluginException("plugin '" + scope.pluginName() + "': the statement was not run: its"
                        + " transaction is rolled back after a statement in it failed (" + failure + "); it ends when"
                        + " its work returns or throws");
            }
        }

        PluginException failed(PluginException why) {
            failure = why.getMessage();
            conflict = why instanceof TransactionConflictException;
            return why;
        }

        /** @return the failure of the transaction's work, typed as a conflict where a conflict caused it */
        PluginException rolledBack(String how) {
            String message = "plugin '" + scope.pluginName() + "': " + how + ", as a statement in it failed: "
                    + failure;
            return conflict ? new TransactionConflictException(message) : new PluginException(message);
        }

        void begin() throws SQLException {
            if (level != -1) {
                levelBefore = connection.getTransactionIsolation();
                if (level != levelBefore) {
                    connection.setTransactionIsolation(level);
                }
            }
            connection.setAutoCommit(false);
        }

        /** @return the transaction's isolation level, asked for or the connection's own */
        int level() throws SQLException {
            return level != -1 ? level : connection.getTransactionIsolation();
        }

        /**
         * Rolls back what was not committed, switches auto-commit on and gives the connection its isolation level
         * back. A level that cannot be set back means a connection that no longer answers, which the pool's
         * validation discards.
         *
         * @param committed whether the transaction committed
         */
        void end(boolean committed) {
            JdbcDatabaseRepository.end(connection, committed);
            if (levelBefore != -1 && level != levelBefore) {
                try {
                    connection.setTransactionIsolation(levelBefore);
                } catch (SQLException ignored) {
                    // see above; the caller's failure or result stands
                }
            }
        }

        /** Takes back what was done since the savepoint, and with it the failure of a statement after it. */
        void rollBackTo(Savepoint savepoint) {
            try {
                connection.rollback(savepoint);
                failure = null;
                conflict = false;
            } catch (SQLException e) {
                failure = "rolling back to a savepoint failed: " + e.getMessage() + " [SQLState " + e.getSQLState()
                        + "]";
            }
        }
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

    /** Sends the rows together; a row the database refused is named by its index, where the driver tells it. */
    private static int[] batch(PreparedStatement prepared, List<Object[]> rows) throws SQLException {
        for (Object[] row : rows) {
            bind(prepared, row);
            prepared.addBatch();
        }
        try {
            return prepared.executeBatch();
        } catch (BatchUpdateException e) {
            throw new RefusedRow(e, rows.size());
        }
    }

    /**
     * A row of a batch the database refused, with the database's own reason. The row is named where the driver
     * tells it: H2's marks the refused rows and runs the others; PostgreSQL's, in a transaction, marks every row
     * refused, and its reason names the values (the duplicate key).
     */
    private static final class RefusedRow extends SQLException {
        RefusedRow(BatchUpdateException batch, int rows) {
            super(which(batch.getUpdateCounts(), rows) + ": " + reason(batch).getMessage(), reason(batch).getSQLState(),
                    batch);
        }

        private static SQLException reason(BatchUpdateException batch) {
            return batch.getNextException() != null ? batch.getNextException() : batch;
        }

        private static String which(int[] counts, int rows) {
            int refused = counts == null ? rows : counts.length; // a driver that stops may give the counts before it
            for (int i = 0; counts != null && i < counts.length; i++) {
                if (counts[i] == Statement.EXECUTE_FAILED) {
                    refused = i;
                    break;
                }
            }
            boolean allMarked = counts != null && rows > 1 && counts.length == rows
                    && Arrays.stream(counts).allMatch(count -> count == Statement.EXECUTE_FAILED);
            return refused < rows && !allMarked ? "the batch's row at index " + refused + " of " + rows
                    : "a row of the batch of " + rows;
        }
    }

    @Override
    public <T> T inTransaction(Function<DatabaseRepository, T> work) {
        return inTransaction(-1, work);
    }

    @Override
    public <T> T inTransaction(Isolation isolation, Function<DatabaseRepository, T> work) {
        if (isolation == null) {
            throw new InvalidArgumentException("isolation", "plugin '" + scope.pluginName() + "': inTransaction was"
                    + " given no isolation level; leave it out for the database's own");
        }
        return inTransaction(switch (isolation) {
            case READ_COMMITTED -> Connection.TRANSACTION_READ_COMMITTED;
            case REPEATABLE_READ -> Connection.TRANSACTION_REPEATABLE_READ;
            case SERIALIZABLE -> Connection.TRANSACTION_SERIALIZABLE;
        }, work);
    }

    /** @param level a JDBC isolation level, or -1 for the connection's own */
    private <T> T inTransaction(int level, Function<DatabaseRepository, T> work) {
        if (work == null) {
            throw new InvalidArgumentException("work", "plugin '" + scope.pluginName() + "': inTransaction was given"
                    + " no work");
        }
        checkOpen();
        Transaction outer = transactions.get();
        if (outer != null && level != -1) {
            int outerLevel;
            try {
                outerLevel = outer.level();
            } catch (SQLException e) {
                throw outer.failed(translated(e));
            }
            if (level != outerLevel) {
                throw new InvalidArgumentException("isolation", "plugin '" + scope.pluginName() + "': a transaction"
                        + " inside a transaction keeps the isolation level of the transaction it is in ("
                        + levelName(outerLevel) + "); ask for that level, or for none");
            }
        }
        return outer != null ? inSavepoint(outer, work) : inNewTransaction(level, work);
    }

    private <T> T inNewTransaction(int level, Function<DatabaseRepository, T> work) {
        Connection connection;
        try {
            connection = connect();
        } catch (SQLException e) {
            throw translated(e);
        }
        Transaction transaction = new Transaction(connection, level);
        try {
            transaction.begin();
        } catch (SQLException e) {
            transaction.end(false);
            closeQuietly(connection);
            throw translated(e);
        }
        try {
            T result;
            transactions.set(transaction);
            try {
                result = work.apply(this);
            } catch (RuntimeException | Error e) {
                transaction.end(false);
                throw e;
            } finally {
                transactions.remove();
            }
            if (transaction.failure != null) {
                transaction.end(false);
                throw transaction.rolledBack("the transaction was rolled back");
            }
            if (closed) { // the plugin was unloaded by force while its work ran
                transaction.end(false);
                checkOpen();
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                transaction.end(false);
                String message = "plugin '" + scope.pluginName() + "': the database did not commit the transaction: "
                        + e.getMessage() + " [SQLState " + e.getSQLState() + "]";
                throw isConflict(e) ? new TransactionConflictException(message + "; " + RUN_AGAIN)
                        : new PluginException(message);
            }
            transaction.end(true);
            return result;
        } finally {
            closeQuietly(connection);
        }
    }

    private static String levelName(int level) {
        return switch (level) {
            case Connection.TRANSACTION_READ_UNCOMMITTED -> "READ UNCOMMITTED";
            case Connection.TRANSACTION_READ_COMMITTED -> "READ COMMITTED";
            case Connection.TRANSACTION_REPEATABLE_READ -> "REPEATABLE READ";
            case Connection.TRANSACTION_SERIALIZABLE -> "SERIALIZABLE";
            default -> "level " + level;
        };
    }

    /**
     * Runs work inside a transaction under a savepoint, which its failure rolls back to: the outer
     * transaction goes on as it was before the work began.
     */
    private <T> T inSavepoint(Transaction transaction, Function<DatabaseRepository, T> work) {
        transaction.checkNotFailed();
        Savepoint savepoint;
        try {
            savepoint = transaction.connection.setSavepoint();
        } catch (SQLException e) {
            throw transaction.failed(translated(e));
        }
        T result;
        try {
            result = work.apply(this);
        } catch (RuntimeException | Error e) {
            transaction.rollBackTo(savepoint);
            throw e;
        }
        if (transaction.failure != null) {
            PluginException failed = transaction.rolledBack("the inner transaction was rolled back to where it began");
            transaction.rollBackTo(savepoint);
            throw failed;
        }
        return result;
    }

    /**
     * @param readOnly a plain query: no transaction of its own is needed to roll it back
     */
    private <T> T run(String sql, boolean readOnly, Object[] params, Work<T> work) {
        checkOpen();
        Transaction transaction = transactions.get();
        try {
            if (transaction != null) {
                return transaction.run(readOnly, () -> execute(transaction.connection, sql, params, work));
            }
            try (Connection connection = connect()) {
                if (readOnly || !connection.getAutoCommit()) {
                    return execute(connection, sql, params, work);
                }
                connection.setAutoCommit(false); // a change that fails a limit leaves nothing behind
                boolean committed = false;
                try {
                    T result = execute(connection, sql, params, work);
                    connection.commit();
                    committed = true;
                    return result;
                } finally {
                    end(connection, committed);
                }
            }
        } catch (SQLException e) {
            throw translated(e);
        } catch (VirtualMachineError e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': the statement failed with " + e
                    + "; nothing of it was kept");
        }
    }

    /** Runs one statement on a connection, under the statement timeout and the row limit. */
    private <T> T execute(Connection connection, String sql, Object[] params, Work<T> work) throws SQLException {
        StatementWatchdog.Watch watch = null;
        try (PreparedStatement prepared = connection.prepareStatement(sql)) {
            prepared.setMaxRows(settings.maxRows() + 1);
            bind(prepared, params);
            watch = watchdog.watch(prepared, settings.statementTimeout());
            return work.run(prepared);
        } catch (SQLException e) {
            if (watch != null && watch.fired()) {
                throw new SQLException("cancelled by the statement timeout", "57014", e);
            }
            throw e;
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
    }

    private Connection connect() throws SQLException {
        return login != null ? dataSource.getConnection(login.role(), login.password()) : dataSource.getConnection();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the database repository of plugin '" + scope.pluginName()
                    + "' is closed");
        }
    }

    /** @return what the plugin is told of a statement the database refused or did not finish */
    private PluginException translated(SQLException e) {
        if ("57014".equals(e.getSQLState())) {
            return new QueryLimitExceededException("statement timeout", "plugin '" + scope.pluginName()
                    + "': the statement ran longer than " + settings.statementTimeout().toSeconds()
                    + " s and was cancelled (pluginhost.database.statement-timeout)");
        }
        String message = "plugin '" + scope.pluginName() + "': the database refused "
                + (e instanceof RefusedRow ? "" : "the statement: ") + e.getMessage() + " [SQLState " + e.getSQLState()
                + "]" + (e instanceof RefusedRow ? "; nothing of the batch was kept" : "");
        return isConflict(e) ? new TransactionConflictException(message + "; " + RUN_AGAIN)
                : new PluginException(message);
    }

    /**
     * Whether the database refused a statement or a commit for a conflict with another transaction: a
     * serialization failure (40001, also H2's deadlock) or PostgreSQL's deadlock (40P01).
     */
    private static boolean isConflict(SQLException e) {
        return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }

    /**
     * Rolls back what was not committed, and only then switches auto-commit on again: switching it on with a
     * transaction still open would commit that. A rollback that fails leaves it off; the connection is closed
     * next, and the pool or the database ends the transaction.
     *
     * @param committed whether the transaction committed
     */
    private static void end(Connection connection, boolean committed) {
        try {
            if (!committed) {
                connection.rollback();
            }
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the failure the caller gets says what went wrong; the connection is closed next
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // given back or not, nothing of the plugin's is on it any more
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
