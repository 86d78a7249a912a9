package io.pluginhost.resource.database;

import java.util.Locale;
import java.util.regex.Pattern;

/** How SQL identifiers compare: unquoted ones fold to lowercase (PostgreSQL's rule), quoted ones are exact. */
final class SqlNames {

    /** One name: an unquoted identifier, or a quoted one with its quotes doubled inside. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{Nd}_]*|\"(?:[^\"]|\"\")+\"");

    private SqlNames() {
    }

    /** @return whether the text is one name, as a column, collation or index method is written */
    static boolean isName(String text) {
        return text != null && NAME.matcher(text).matches();
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
