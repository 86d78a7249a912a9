package io.pluginhost.resource.database;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HexFormat;

/**
 * Defence in depth on PostgreSQL: a role per plugin that owns the plugin's tables and has no
 * privilege on anything else, switched to with {@code SET LOCAL ROLE} for every plugin statement.
 * Even a statement that got past the guard could then touch only the plugin's own tables. The
 * host's database user needs CREATEROLE (or superuser) to provision roles.
 */
final class PostgresRoles {

    private PostgresRoles() {
    }

    /**
     * @param pluginName the plugin
     * @return its role: {@code ph_<plugin>}, or a hashed form where that exceeds 63 characters
     */
    static String roleName(String pluginName) {
        String role = "ph_" + pluginName;
        if (role.length() <= 63) {
            return role;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(pluginName.getBytes(StandardCharsets.UTF_8));
            return role.substring(0, 50) + "_" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates the plugin's role if needed, lets the current user switch to it, lets it create
     * tables in the current schema, and hands it the plugin's tables that already exist.
     *
     * @param connection     a connection of the host's user
     * @param pluginName     the plugin
     * @param physicalTables the plugin's physical table names
     * @throws SQLException if the database refuses (e.g. the host user may not create roles)
     */
    static void provision(Connection connection, String pluginName, Collection<String> physicalTables)
            throws SQLException {
        String role = roleName(pluginName);
        String quotedRole = SqlNames.quote(role);
        boolean exists;
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rows = query.executeQuery()) {
                exists = rows.next();
            }
        }
        try (Statement statement = connection.createStatement()) {
            if (!exists) {
                statement.execute("CREATE ROLE " + quotedRole + " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE");
            }
            statement.execute("GRANT " + quotedRole + " TO CURRENT_USER");
            statement.execute("GRANT USAGE, CREATE ON SCHEMA " + SqlNames.quote(currentSchema(connection)) + " TO "
                    + quotedRole);
            for (String table : physicalTables) {
                if (tableExists(connection, table)) {
                    statement.execute("ALTER TABLE " + SqlNames.quote(table) + " OWNER TO " + quotedRole);
                }
            }
        }
    }

    private static String currentSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_schema()")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static boolean tableExists(Connection connection, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            query.setString(1, SqlNames.quote(table));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }
}
