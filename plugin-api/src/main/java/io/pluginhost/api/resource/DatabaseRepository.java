package io.pluginhost.api.resource;

import io.pluginhost.api.exception.TableAccessDeniedException;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
 * {@link io.pluginhost.api.exception.QueryLimitExceededException}. Each statement commits on its own,
 * unless it runs in {@link #inTransaction}; {@link #executeBatch} runs one statement for many rows.
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

    /**
     * Runs one INSERT, UPDATE or DELETE once for each row of parameters, sent to the database together (a JDBC
     * batch): for many rows, far fewer round trips than a call each. The batch keeps all its rows or none:
     * outside a transaction it is one of its own; inside {@link #inTransaction} it is part of that one, and a
     * row the database refuses rolls it back as a refused statement does. The statement timeout bounds the
     * whole batch.
     *
     * <pre>{@code
     * db.executeBatch("INSERT INTO notes (id, body) VALUES (?, ?)",
     *         notes.stream().map(note -> new Object[] {note.id(), note.body()}).toList());
     * }</pre>
     *
     * @param sql  one statement that returns no rows, over declared tables
     * @param rows each row's values for the placeholders, as {@link #executeCommand}'s {@code params}; an empty
     *             list runs nothing
     * @return each row's update count, in order, or {@code -2} ({@code java.sql.Statement.SUCCESS_NO_INFO}) for
     *         a row whose count the driver does not tell (PostgreSQL's with {@code reWriteBatchedInserts=true})
     * @throws TableAccessDeniedException if the statement touches anything not declared, or is not allowed
     * @throws io.pluginhost.api.exception.InvalidArgumentException if a row is null or its values do not fit the
     *         statement (naming the row's index), before any row runs
     * @throws io.pluginhost.api.exception.PluginException if the database refused a row (with its reason, and
     *         the row's index where the driver tells it: H2's does, PostgreSQL's reason names the values, as in a
     *         duplicate key): nothing of the batch was kept
     * @throws UnsupportedOperationException where the repository is not the host's (a test double of a
     *         plugin's own) and runs no batches
     */
    default int[] executeBatch(String sql, List<Object[]> rows) {
        throw new UnsupportedOperationException(getClass().getName() + " runs no batches");
    }

    /** @return the logical table names this plugin may use, as currently in effect */
    List<String> getAllowedTables();

    /**
     * Runs {@code work} in one transaction: the statements made through this repository on the calling
     * thread while it runs (through the repository it is given, or any other reference to this one) commit
     * together when it returns, and are rolled back together when it throws, which then reaches the caller as
     * thrown. Statements on other threads run on their own, outside it, and do not see what it has not
     * committed.
     *
     * <p>A statement the database refuses (a duplicate key, a statement timeout) rolls the whole transaction
     * back, as PostgreSQL does, even if the work catches its exception and goes on: the statements after it
     * fail without running, and so does the transaction when the work returns. A statement the guard refuses,
     * or a query past a row or size limit, changes nothing and leaves the transaction as it was (a change whose
     * {@code RETURNING} rows are past a limit is not kept, and rolls it back). Called inside
     * {@code work}, {@code inTransaction} makes a savepoint: what the inner work did is rolled back alone if it
     * throws or a statement in it fails, and the outer transaction goes on.
     *
     * <p>The transaction holds one connection until {@code work} ends; keep it short. The database's isolation
     * level applies (READ COMMITTED on PostgreSQL and H2); {@link #inTransaction(Isolation, Function)} asks for
     * another. A transaction the database ends because it conflicted with another (a deadlock) fails with a
     * {@link io.pluginhost.api.exception.TransactionConflictException}: run it again.
     *
     * @param work what to run, given this repository; it may return a result
     * @param <T>  the result's type
     * @return what {@code work} returned, once the transaction has committed
     * @throws io.pluginhost.api.exception.PluginException if a statement in it failed (all of it rolled back),
     *         or the database refused to commit it (a deferred constraint: nothing of it was kept; a connection
     *         lost while committing leaves unknown whether it did, as with any JDBC commit)
     * @throws UnsupportedOperationException where the repository is not the host's (a test double of a
     *         plugin's own) and runs no transactions
     */
    default <T> T inTransaction(Function<DatabaseRepository, T> work) {
        throw new UnsupportedOperationException(getClass().getName() + " runs no transactions");
    }

    /**
     * Runs {@code work} in one transaction, as {@link #inTransaction(Function)} does, at the isolation level given.
     * Under {@link Isolation#REPEATABLE_READ} and {@link Isolation#SERIALIZABLE} the transaction sees the database
     * as it was when its first statement ran, and a change of a row that another transaction changed since fails
     * with a {@link io.pluginhost.api.exception.TransactionConflictException}, whether or not the work caught it:
     * nothing of it was kept, and the plugin may run the work again. The level ends with the transaction. Inside
     * another transaction it makes a savepoint, and must be the level of the transaction it is in.
     *
     * @param isolation the level, which both PostgreSQL and H2 have
     * @param work      what to run, given this repository; it may return a result
     * @param <T>       the result's type
     * @return what {@code work} returned, once the transaction has committed
     * @throws io.pluginhost.api.exception.TransactionConflictException if the database ended it as it conflicted
     *         with another transaction: run it again
     * @throws io.pluginhost.api.exception.InvalidArgumentException if it is inside a transaction of another level
     * @throws UnsupportedOperationException where the repository is not the host's and runs no transactions
     */
    default <T> T inTransaction(Isolation isolation, Function<DatabaseRepository, T> work) {
        throw new UnsupportedOperationException(getClass().getName() + " runs no transactions");
    }

    /** The isolation levels a plugin's transaction may ask for, as SQL names them; both databases have them. */
    enum Isolation {
        /** Each statement sees what was committed before it began: the default of both databases. */
        READ_COMMITTED,
        /** The transaction sees what was committed before its first statement, however long it runs. */
        REPEATABLE_READ,
        /** As REPEATABLE READ, and the database fails a transaction whose outcome no serial order would give. */
        SERIALIZABLE
    }
}
