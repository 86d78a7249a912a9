package io.pluginhost.resource.database;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The database's own defence on PostgreSQL: every plugin logs in as its own role, so that a
 * statement that got past the guard still runs with that role's privileges and nothing else. The
 * role is {@code LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT}, a member of no other role, with
 * USAGE and CREATE on the host's schema only; it owns the tables it creates and has no privilege on
 * anything else. Its {@code statement_timeout}, {@code idle_in_transaction_session_timeout} and
 * {@code temp_file_limit} are set on the role, where the plugin cannot change them for good.
 *
 * <p>Why a login and not {@code SET ROLE} on the host's session: {@code set_config('role', ...)}
 * inside any expression switches back to the session user, and functions that run SQL given as text
 * run it after the switch; on a session that is the plugin's own login there is nothing to switch
 * back to.
 *
 * <p>The host's database user needs CREATEROLE (and superuser for {@code temp_file_limit}; without it
 * that one setting is skipped and logged). The password is derived from the host's role secret, so
 * every node with the same secret computes the same one. Without a configured secret, the first host
 * to provision a role draws one at random and keeps it in the table {@value #SECRET_TABLE} of its
 * schema (a name no plugin's table can have: plugin tables hold no {@code $}), owned by the host's
 * user and readable by no plugin role; every node on that database then reads the same one.
 */
final class PostgresRoles {

    private static final System.Logger LOG = System.getLogger(PostgresRoles.class.getName());

    /** A plugin's database login. */
    record Login(String role, String password) {
        @Override
        public String toString() {
            return "Login[" + role + "]"; // never the password
        }
    }

    /** The advisory lock every host holds while it provisions a role ("pluginho" in ASCII). */
    static final long PROVISIONING_LOCK = 0x706c7567696e686fL;

    /** Where the role secret is kept when none is configured. */
    static final String SECRET_TABLE = "pluginhost$role_secret";

    private PostgresRoles() {
    }

    /**
     * @param connection a connection of the host's user
     * @return the role secret kept in the database, drawn at random and stored by the first host to ask
     * @throws SQLException if the table cannot be made or read, or another role owns it (a plugin role may
     *                      create tables in the host's schema, and must not choose the secret)
     */
    static byte[] sharedSecret(Connection connection) throws SQLException {
        String table = SqlNames.quote(SECRET_TABLE);
        byte[] drawn = new byte[32];
        new SecureRandom().nextBytes(drawn);
        HostTables.make(connection, SECRET_TABLE,
                "one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), secret TEXT NOT NULL",
                "it keeps the plugin roles' secret; drop it, or set pluginhost.database.role-secret");
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (secret) VALUES (?) ON CONFLICT (one) DO NOTHING")) {
            insert.setString(1, HexFormat.of().formatHex(drawn));
            insert.executeUpdate();
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT secret FROM " + table)) {
            rows.next();
            return rows.getString(1).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * @param pluginName the plugin (no '_', so the role names of two plugins never meet)
     * @return its role, {@code ph_<plugin>}
     */
    static String roleName(String pluginName) {
        return "ph_" + pluginName;
    }

    /**
     * Creates or updates the plugin's login role and its settings, and grants it the host's schema.
     *
     * @param connection a connection of the host's user
     * @param pluginName the plugin
     * @param settings   limits
     * @param secret     the role secret its password is derived from
     * @return how the plugin logs in
     * @throws SQLException if the database refuses (e.g. the host user may not create roles)
     */
    static Login provision(Connection connection, String pluginName, DatabaseSettings settings, byte[] secret)
            throws SQLException {
        // Nodes of a cluster load the same plugins at once: between one host's look at pg_roles and its CREATE
        // ROLE another's may come ("role already exists"), and concurrent grants on one schema fail with
        // "tuple concurrently updated". Provisioning takes milliseconds; the hosts take turns.
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, PROVISIONING_LOCK);
            lock.setQueryTimeout((int) Math.max(1, settings.statementTimeout().toSeconds()));
            lock.execute();
        }
        try {
            return provisionAlone(connection, pluginName, settings, secret);
        } finally {
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, PROVISIONING_LOCK);
                unlock.execute();
            }
        }
    }

    private static Login provisionAlone(Connection connection, String pluginName, DatabaseSettings settings,
                                        byte[] secret) throws SQLException {
        String role = roleName(pluginName);
        String quotedRole = SqlNames.quote(role);
        String password = password(secret, role);
        boolean exists;
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rows = query.executeQuery()) {
                exists = rows.next();
            }
        }
        String schema = currentSchema(connection);
        try (Statement statement = connection.createStatement()) {
            statement.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + quotedRole + " LOGIN PASSWORD '" + password
                    + "' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT");
            for (String granted : memberships(connection, role)) {
                statement.execute("REVOKE " + SqlNames.quote(granted) + " FROM " + quotedRole);
            }
            statement.execute("ALTER ROLE " + quotedRole + " SET statement_timeout = '"
                    + settings.statementTimeout().toMillis() + "ms'");
            statement.execute("ALTER ROLE " + quotedRole + " SET idle_in_transaction_session_timeout = '"
                    + settings.idleInTransaction().toMillis() + "ms'");
            statement.execute("ALTER ROLE " + quotedRole + " SET search_path = " + SqlNames.quote(schema));
            statement.execute("GRANT USAGE, CREATE ON SCHEMA " + SqlNames.quote(schema) + " TO " + quotedRole);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE " + quotedRole + " SET temp_file_limit = '" + settings.tempFileLimitKb()
                    + "kB'");
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot set temp_file_limit of role {0} (the host''s database user"
                    + " is not a superuser): {1}", role, e.getMessage());
        }
        return new Login(role, password);
    }

    private static List<String> memberships(Connection connection, String role) throws SQLException {
        List<String> granted = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT r.rolname FROM pg_auth_members m"
                + " JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    granted.add(rows.getString(1));
                }
            }
        }
        return granted;
    }

    private static String password(byte[] secret, String role) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(role.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String currentSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_schema()")) {
            rows.next();
            return rows.getString(1);
        }
    }
}
