package io.pluginhost.resource.database;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** How SQL identifiers compare: unquoted ones fold to lowercase (PostgreSQL's rule), quoted ones are exact. */
final class SqlNames {

    /** One name: an unquoted identifier, or a quoted one with its quotes doubled inside. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{Nd}_]*|\"(?:[^\"]|\"\")+\"");

    /**
     * PostgreSQL's reserved key words (both kinds, "reserved" and "reserved, can be function or type"):
     * unquoted, the database reads them as syntax, never as a name. JSqlParser accepts several of them
     * as names ({@code SELECT offset FROM t}, {@code SELECT LIMIT f(a, b)}).
     */
    private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as",
            "asc", "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint", "create",
            "current_catalog", "current_date", "current_role", "current_time", "current_timestamp", "current_user",
            "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for",
            "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into", "lateral",
            "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or", "order",
            "placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric", "table",
            "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where",
            "window", "with", "authorization", "binary", "collation", "concurrently", "cross", "current_schema",
            "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer",
            "overlaps", "right", "similar", "tablesample", "verbose");

    private SqlNames() {
    }

    /** @return whether the text, unquoted, is a word PostgreSQL reserves */
    static boolean isReserved(String text) {
        return RESERVED.contains(text.toLowerCase(Locale.ROOT));
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
