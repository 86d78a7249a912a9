package io.pluginhost.resource.database;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Documents the nodes of a cluster share through the host's database, each a text under a name with a
 * version: a row of {@code pluginhost$document}. A write names the version it was made from and succeeds only
 * if that is still the stored one (one {@code UPDATE}, or the {@code INSERT} of the first, which the primary
 * key lets one node win), so two nodes that change a document at once never lose one change to the other: the
 * one that lost reads again and makes its change on what the other wrote. Works on PostgreSQL and H2.
 */
public final class HostDocuments {

    /** The host's table of documents. */
    static final String TABLE = "pluginhost$document";

    /**
     * A document as stored.
     *
     * @param version 1 for the first write, one more at each write after
     * @param text    what it holds
     */
    public record Stored(long version, String text) {
    }

    private final Callable<DataSource> dataSource;
    private final int timeoutSeconds;
    private volatile boolean made;

    /**
     * @param dataSource the host's data source, looked up at each use (it may be deployed after the host)
     * @param timeout    how long a statement may take
     */
    public HostDocuments(Callable<DataSource> dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
    }

    /**
     * @param name the document's name
     * @return the document, or empty if none was written under that name
     * @throws Exception if the database cannot be reached or read
     */
    public Optional<Stored> read(String name) throws Exception {
        try (Connection connection = connect();
             PreparedStatement read = prepare(connection, "SELECT version, body FROM " + SqlNames.quote(TABLE)
                     + " WHERE name = ?")) {
            read.setString(1, name);
            try (ResultSet rows = read.executeQuery()) {
                return rows.next() ? Optional.of(new Stored(rows.getLong(1), rows.getString(2))) : Optional.empty();
            }
        }
    }

    /**
     * @param name the document's name
     * @return its version, 0 if none was written: one short row to read, for a node that polls
     * @throws Exception if the database cannot be reached or read
     */
    public long version(String name) throws Exception {
        try (Connection connection = connect();
             PreparedStatement read = prepare(connection, "SELECT version FROM " + SqlNames.quote(TABLE)
                     + " WHERE name = ?")) {
            read.setString(1, name);
            try (ResultSet rows = read.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    /**
     * Stores a new text if the document is still at the version it was made from.
     *
     * @param name     the document's name
     * @param madeFrom the version read before the change, 0 if there was none
     * @param text     the new text
     * @return the new version, or -1 if another write came first (read again, and make the change on that)
     * @throws Exception if the database cannot be reached or written
     */
    public long write(String name, long madeFrom, String text) throws Exception {
        try (Connection connection = connect()) {
            if (madeFrom > 0) {
                try (PreparedStatement update = prepare(connection, "UPDATE " + SqlNames.quote(TABLE)
                        + " SET version = ?, body = ? WHERE name = ? AND version = ?")) {
                    update.setLong(1, madeFrom + 1);
                    update.setString(2, text);
                    update.setString(3, name);
                    update.setLong(4, madeFrom);
                    return update.executeUpdate() == 1 ? madeFrom + 1 : -1;
                }
            }
            try (PreparedStatement first = prepare(connection, "INSERT INTO " + SqlNames.quote(TABLE)
                    + " (name, version, body) VALUES (?, 1, ?)")) {
                first.setString(1, name);
                first.setString(2, text);
                first.executeUpdate();
                return 1;
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                    return -1; // another node wrote the first version
                }
                throw e;
            }
        }
    }

    /**
     * Stores a text whatever the stored version is: for a document only one node writes (its own report).
     *
     * @param name the document's name
     * @param text the new text
     * @return the new version
     * @throws Exception if the database cannot be reached or written
     */
    public long put(String name, String text) throws Exception {
        for (int attempt = 0; ; attempt++) {
            long stored = version(name);
            long written = write(name, stored, text);
            if (written > 0) {
                return written;
            }
            if (attempt == 10) {
                throw new SQLException("document " + name + " was written by another writer ten times meanwhile");
            }
        }
    }

    /**
     * @param prefix the start of the names, e.g. {@code node:}
     * @return the documents whose name starts with it, by name
     * @throws Exception if the database cannot be reached or read
     */
    public Map<String, Stored> list(String prefix) throws Exception {
        String pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        try (Connection connection = connect();
             PreparedStatement read = prepare(connection, "SELECT name, version, body FROM " + SqlNames.quote(TABLE)
                     + " WHERE name LIKE ? ESCAPE '\\' ORDER BY name")) {
            read.setString(1, pattern);
            Map<String, Stored> documents = new TreeMap<>();
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    documents.put(rows.getString(1), new Stored(rows.getLong(2), rows.getString(3)));
                }
            }
            return documents;
        }
    }

    /**
     * @param name the document's name
     * @throws Exception if the database cannot be reached or written
     */
    public void delete(String name) throws Exception {
        try (Connection connection = connect();
             PreparedStatement delete = prepare(connection, "DELETE FROM " + SqlNames.quote(TABLE)
                     + " WHERE name = ?")) {
            delete.setString(1, name);
            delete.executeUpdate();
        }
    }

    /** @return a connection whose every statement is its own transaction, to a database with the table */
    private Connection connect() throws Exception {
        Connection connection = HostTables.autoCommitting(dataSource);
        try {
            make(connection);
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Makes the table, once per host (again after a failure). */
    private void make(Connection connection) throws SQLException {
        if (!made) {
            HostTables.make(connection, TABLE, "name VARCHAR(300) NOT NULL PRIMARY KEY, version BIGINT NOT NULL,"
                    + " body TEXT NOT NULL", "it holds what operators set for every node; rename it, and set"
                    + " again over REST what it held");
            made = true;
        }
    }

    private PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        return HostTables.prepare(connection, sql, timeoutSeconds);
    }

    @Override
    public String toString() {
        return "table " + TABLE;
    }
}
