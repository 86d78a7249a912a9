package io.pluginhost.resource.database;

import java.time.Duration;

/**
 * How the host runs plugin SQL: the guard's parse timeout, the limits on each statement, and how
 * plugin roles are provisioned on PostgreSQL.
 *
 * @param parseTimeout        how long parsing one statement may take
 * @param statementTimeout    how long one statement may run (JDBC query timeout; on PostgreSQL also the
 *                            role's {@code statement_timeout})
 * @param maxRows             the most rows one query may return
 * @param maxResultBytes      the most bytes (estimated: 2 per character) one query may return
 * @param rolesPerPlugin      whether each plugin logs in to PostgreSQL as its own role
 * @param roleSecret          derives each plugin role's password; null: a random one the host keeps in the
 *                            database, which every node using that database then shares
 * @param idleInTransaction   PostgreSQL {@code idle_in_transaction_session_timeout} of plugin roles
 * @param tempFileLimitKb     PostgreSQL {@code temp_file_limit} of plugin roles, in kB (needs a superuser host)
 */
public record DatabaseSettings(Duration parseTimeout, Duration statementTimeout, int maxRows, long maxResultBytes,
                               boolean rolesPerPlugin, String roleSecret, Duration idleInTransaction,
                               long tempFileLimitKb) {

    /** Checks the values. */
    public DatabaseSettings {
        if (statementTimeout.toSeconds() < 1 || maxRows < 1 || maxResultBytes < 1 || "".equals(roleSecret)) {
            throw new IllegalArgumentException("database settings need a statement timeout of at least 1 s, positive"
                    + " row and size limits, and a role secret that is not empty");
        }
    }

    /**
     * @return 5 s parse, 20 s statement timeout (below the engine's 30 s drain timeout), 10,000 rows, 16 MiB,
     *         roles on, the role secret kept in the database, 60 s idle in transaction, 1 GiB of temporary files
     */
    public static DatabaseSettings defaults() {
        return new DatabaseSettings(Duration.ofSeconds(5), Duration.ofSeconds(20), 10_000, 16L << 20, true,
                null, Duration.ofSeconds(60), 1L << 20);
    }

    /** Never prints the role secret, which gives every plugin role's password. */
    @Override
    public String toString() {
        return "DatabaseSettings[parseTimeout=" + parseTimeout + ", statementTimeout=" + statementTimeout
                + ", maxRows=" + maxRows + ", maxResultBytes=" + maxResultBytes + ", rolesPerPlugin=" + rolesPerPlugin
                + ", roleSecret=" + (roleSecret == null ? "(kept in the database)" : "(configured)")
                + ", idleInTransaction=" + idleInTransaction + ", tempFileLimitKb=" + tempFileLimitKb + "]";
    }

    /** @return these settings with other limits per statement */
    public DatabaseSettings withLimits(Duration timeout, int rows, long bytes) {
        return new DatabaseSettings(parseTimeout, timeout, rows, bytes, rolesPerPlugin, roleSecret, idleInTransaction,
                tempFileLimitKb);
    }
}
