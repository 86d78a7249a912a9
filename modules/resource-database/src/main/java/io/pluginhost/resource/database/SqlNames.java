package io.pluginhost.resource.database;

import java.util.Locale;

/** How SQL identifiers compare: unquoted ones fold to lowercase (PostgreSQL's rule), quoted ones are exact. */
final class SqlNames {

    private SqlNames() {
    }

    /**
     * @param identifier an identifier as written: {@code users}, {@code USERS}, {@code "Users"}
     * @return the name it denotes: {@code users}, {@code users}, {@code Users}
     */
    static String key(String identifier) {
        if (identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        if (identifier.length() >= 2 && (identifier.startsWith("`") || identifier.startsWith("["))) {
            return identifier; // MySQL or SQL Server quoting: never a declared name, so it is refused
        }
        return identifier.toLowerCase(Locale.ROOT);
    }

    /** @return the identifier double-quoted, with embedded quotes doubled */
    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
