package io.pluginhost.resource.database;

import io.pluginhost.runtime.TaskLeases;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The leases of the tasks plugins run on one node of a cluster, in the host's database: a row per plugin and
 * task in {@code pluginhost$task_lease}, with the node that holds it and until when, by the database's clock
 * (nodes whose clocks differ agree on it). Taking a lease is one {@code UPDATE} that succeeds only for its
 * holder or once the lease lapsed, or the {@code INSERT} of its first row, which the primary key lets one
 * node win; so two nodes never both hold one, whatever the isolation level. Works on PostgreSQL and H2.
 *
 * <p>A lease given up takes its row with it, and a node sweeps the rows of leases that lapsed more than
 * {@link #SWEEP_AFTER} ago (their holder stopped without a word, and no node has run the task since), at most
 * once per {@link #SWEEP_EVERY}: the table holds about one row per task some node runs, not one per task
 * ever scheduled. Taking a lease finds no row or a lapsed one alike, so a row swept as another node takes
 * it (the {@code DELETE} re-reads a row updated meanwhile, and leaves it) changes nothing.
 */
public final class DatabaseTaskLeases implements TaskLeases {

    /** The host's table of leases. */
    static final String TABLE = "pluginhost$task_lease";
    /** How long a lapsed lease's row stays before a node sweeps it. */
    static final Duration SWEEP_AFTER = Duration.ofHours(1);
    /** How often a node sweeps, at most. */
    static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

    private final Callable<DataSource> dataSource;
    private final String node;
    private final int timeoutSeconds;
    private volatile boolean made;
    /** When this node sweeps next ({@link System#nanoTime}); 0 until its first sweep. */
    private final AtomicLong nextSweep = new AtomicLong();

    /**
     * @param dataSource the host's data source, looked up at each ask (it may be deployed after the host)
     * @param node       this node's id, unique in the cluster
     * @param timeout    how long a statement may take
     */
    public DatabaseTaskLeases(Callable<DataSource> dataSource, String node, Duration timeout) {
        this.dataSource = dataSource;
        this.node = node;
        this.timeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
    }

    @Override
    public boolean hold(String plugin, String task, Duration hold) throws Exception {
        try (Connection connection = connect()) {
            make(connection);
            long now = now(connection);
            sweep(connection, now);
            long until = now + hold.toMillis();
            try (PreparedStatement take = prepare(connection, "UPDATE " + SqlNames.quote(TABLE) + " SET holder = ?,"
                    + " until_ms = ? WHERE plugin = ? AND task = ? AND (holder = ? OR until_ms <= ?)")) {
                take.setString(1, node);
                take.setLong(2, until);
                take.setString(3, plugin);
                take.setString(4, task);
                take.setString(5, node);
                take.setLong(6, now);
                if (take.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement first = prepare(connection, "INSERT INTO " + SqlNames.quote(TABLE)
                    + " (plugin, task, holder, until_ms) VALUES (?, ?, ?, ?)")) {
                first.setString(1, plugin);
                first.setString(2, task);
                first.setString(3, node);
                first.setLong(4, until);
                first.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                    return false; // the row exists: another node holds the lease
                }
                throw e;
            }
        }
    }

    @Override
    public void release(String plugin, String task) throws Exception {
        try (Connection connection = connect();
             PreparedStatement release = prepare(connection, "DELETE FROM " + SqlNames.quote(TABLE)
                     + " WHERE plugin = ? AND task = ? AND holder = ?")) {
            release.setString(1, plugin);
            release.setString(2, task);
            release.setString(3, node);
            release.executeUpdate();
        }
    }

    /** Deletes the rows of leases that lapsed long ago, if this node's time to sweep has come. */
    private void sweep(Connection connection, long now) throws SQLException {
        long due = nextSweep.get();
        long at = System.nanoTime();
        if (due != 0 && at - due < 0 || !nextSweep.compareAndSet(due, at + SWEEP_EVERY.toNanos())) {
            return;
        }
        try (PreparedStatement sweep = prepare(connection, "DELETE FROM " + SqlNames.quote(TABLE)
                + " WHERE until_ms < ?")) {
            sweep.setLong(1, now - SWEEP_AFTER.toMillis());
            sweep.executeUpdate();
        }
    }

    private Connection connect() throws Exception {
        return HostTables.autoCommitting(dataSource);
    }

    /** Makes the table, once per host (again after a failure). */
    private void make(Connection connection) throws SQLException {
        if (!made) {
            HostTables.make(connection, TABLE, "plugin VARCHAR(200) NOT NULL, task VARCHAR(100) NOT NULL,"
                    + " holder VARCHAR(300) NOT NULL, until_ms BIGINT NOT NULL, PRIMARY KEY (plugin, task)",
                    "it says which node runs each plugin task scheduled on one node; drop it");
            made = true;
        }
    }

    /** @return the database's time, in milliseconds since the epoch */
    private long now(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            try (ResultSet rows = statement.executeQuery("SELECT CURRENT_TIMESTAMP")) {
                rows.next();
                return rows.getTimestamp(1).getTime();
            }
        }
    }

    private PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        return HostTables.prepare(connection, sql, timeoutSeconds);
    }

    @Override
    public String toString() {
        return "leases of node " + node + " in table " + TABLE;
    }
}
