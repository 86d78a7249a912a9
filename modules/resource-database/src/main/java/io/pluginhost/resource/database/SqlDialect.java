package io.pluginhost.resource.database;

import java.util.Locale;
import java.util.Set;

/**
 * The databases the guard knows, each with the functions and types application SQL uses there (on
 * PostgreSQL, full-text search's too). Anything else is refused: a function nobody listed is a function
 * nobody audited.
 */
public enum SqlDialect {

    /** PostgreSQL 14 and later. */
    POSTGRESQL(Set.of(
            "strpos", "btrim", "split_part", "initcap", "to_hex", "regexp_match", "regexp_matches",
            "regexp_split_to_array", "starts_with", "string_to_array", "array_to_string", "array_length",
            "array_position", "array_positions", "array_append", "array_prepend", "array_cat", "array_remove",
            "array_replace", "cardinality", "unnest", "array_agg", "string_agg", "bool_and", "bool_or", "every",
            "json_agg", "jsonb_agg", "json_object_agg", "jsonb_object_agg", "json_build_object",
            "jsonb_build_object", "json_build_array", "jsonb_build_array", "to_json", "to_jsonb", "json_typeof",
            "jsonb_typeof", "json_array_length", "jsonb_array_length", "json_extract_path", "jsonb_extract_path",
            "json_extract_path_text", "jsonb_extract_path_text", "jsonb_set", "jsonb_insert", "jsonb_strip_nulls",
            "jsonb_pretty", "json_array_elements", "jsonb_array_elements", "json_array_elements_text",
            "jsonb_array_elements_text", "json_object_keys", "jsonb_object_keys", "json_each", "jsonb_each",
            "json_each_text", "jsonb_each_text", "jsonb_path_exists", "jsonb_path_query", "jsonb_path_query_first",
            "date_trunc", "date_part", "age", "make_date", "make_time", "make_timestamp", "make_timestamptz",
            "make_interval", "to_timestamp", "to_date", "to_char", "to_number", "clock_timestamp",
            "statement_timestamp", "transaction_timestamp", "justify_days", "justify_hours", "justify_interval",
            "isfinite", "gen_random_uuid", "generate_series", "percentile_cont", "percentile_disc", "mode",
            "width_bucket", "div", "cbrt", "trunc", "log10", "factorial", "gcd", "lcm", "scale", "md5", "sha256",
            "sha512", "encode", "decode", "quote_literal", "quote_nullable", "num_nonnulls", "num_nulls",
            "regexp_like", "now", "lpad", "rpad", "to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery",
            "websearch_to_tsquery", "setweight", "ts_rank", "ts_rank_cd", "ts_headline", "tsvector_to_array"),
            Set.of("int2", "int4", "int8", "serial", "bigserial", "smallserial", "serial2", "serial4", "serial8",
                    "float4", "float8", "bool", "bytea", "timestamptz", "timetz", "jsonb", "citext", "inet", "cidr",
                    "macaddr", "money", "bit", "varbit", "bit varying", "tsvector", "tsquery")),

    /** H2 2.x. */
    H2(Set.of(
            "ifnull", "nvl", "nvl2", "listagg", "group_concat", "array_agg", "any_value", "bool_and", "bool_or",
            "every", "dateadd", "datediff", "timestampadd", "timestampdiff", "day_of_week", "day_of_month",
            "day_of_year", "dayname", "monthname", "hour", "minute", "second", "year", "month", "day", "week",
            "quarter", "iso_week", "iso_year", "formatdatetime", "parsedatetime", "to_char", "to_date",
            "to_timestamp", "trunc", "random_uuid", "uuid", "bitand", "bitor", "bitxor", "log10", "instr",
            "locate", "insert", "soundex", "difference", "regexp_like", "regexp_substr", "array_length",
            "array_contains", "array_slice", "cardinality", "array_max_cardinality", "json_object", "json_array",
            "json_objectagg", "json_arrayagg", "standard_hash", "ora_hash", "truncate", "cot", "rand",
            "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime", "now", "unnest",
            "system_range"),
            Set.of("tinyint", "int2", "int4", "int8", "bool", "varchar_ignorecase", "character large object",
                    "binary large object", "varbinary", "binary varying", "blob", "clob", "enum",
                    "geometry", "identity", "decfloat", "timestamptz"));

    /**
     * Functions both databases have and application SQL uses: aggregates, window, string, math, date,
     * conditional. Functions that build a string of a requested size ({@code repeat}, {@code space},
     * and {@code lpad}/{@code rpad} on H2, which runs inside the host's JVM) are left out.
     */
    private static final Set<String> COMMON_FUNCTIONS = Set.of(
            "count", "sum", "avg", "min", "max", "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop",
            "var_samp", "corr", "covar_pop", "covar_samp", "row_number", "rank", "dense_rank", "percent_rank",
            "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value",
            "lower", "upper", "length", "char_length", "character_length", "octet_length", "bit_length", "substr",
            "substring", "position", "trim", "ltrim", "rtrim", "replace", "concat", "concat_ws", "left", "right",
            "reverse", "translate", "ascii", "chr", "char", "regexp_replace", "lcase", "ucase",
            "abs", "ceil", "ceiling", "floor", "round", "mod", "power", "sqrt", "exp", "ln", "log", "sign", "pi",
            "degrees", "radians", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh",
            "random", "greatest", "least", "coalesce", "nullif", "extract", "date", "localtimestamp",
            "current_timestamp", "current_date", "current_time");

    /** Scalar types both databases accept, in column definitions and casts; arrays of them too. */
    private static final Set<String> COMMON_TYPES = Set.of("smallint", "integer", "int", "bigint", "decimal",
            "numeric", "real", "float", "double", "double precision", "boolean", "char", "character", "varchar",
            "character varying", "text", "date", "time", "timestamp", "time with time zone",
            "time without time zone", "timestamp with time zone", "timestamp without time zone", "interval",
            "uuid", "json", "binary");

    private final Set<String> functions;
    private final Set<String> types;

    SqlDialect(Set<String> functions, Set<String> types) {
        this.functions = functions;
        this.types = types;
    }

    /**
     * @param databaseProductName what JDBC metadata reports
     * @return the dialect
     * @throws IllegalArgumentException for a database the guard does not know
     */
    public static SqlDialect of(String databaseProductName) {
        String product = databaseProductName.toLowerCase(Locale.ROOT);
        if (product.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (product.contains("h2")) {
            return H2;
        }
        throw new IllegalArgumentException("the SQL guard knows PostgreSQL and H2, not " + databaseProductName);
    }

    /**
     * Words both databases read, unquoted, as a value of the session rather than a column: who is
     * connected, to which database and schema. They say what {@code current_database()} would, so
     * they are refused as that function is.
     */
    private static final Set<String> SESSION_VALUES = Set.of("current_user", "session_user", "user", "current_role",
            "current_catalog", "current_schema", "system_user");

    /**
     * @param word an unquoted, unqualified name as written
     * @return whether the database reads it as a value of the session
     */
    static boolean isSessionValue(String word) {
        return SESSION_VALUES.contains(word.toLowerCase(Locale.ROOT));
    }

    /**
     * @param name a function name as written (possibly quoted)
     * @return whether plugin SQL may call it here
     */
    boolean allowsFunction(String name) {
        String key = SqlNames.key(name).toLowerCase(Locale.ROOT);
        return COMMON_FUNCTIONS.contains(key) || functions.contains(key);
    }

    /**
     * @param type a type as JSqlParser gives it: {@code varchar}, {@code character varying},
     *             {@code integer[]}, {@code timestamp with time zone}
     * @return whether a column or a cast may use it here
     */
    boolean allowsType(String type) {
        String key = type.toLowerCase(Locale.ROOT)
                .replaceAll("\\s*\\(\\s*\\d+\\s*(,\\s*\\d+\\s*)?\\)", "")  // varchar(100), numeric(10, 2)
                .replaceAll("\\s*(\\[\\s*\\d*\\s*])+$", "")                  // integer[]
                .replaceAll("\\s+", " ").trim();
        if (key.startsWith("\"")) {
            key = SqlNames.key(key);
        }
        return COMMON_TYPES.contains(key) || types.contains(key);
    }
}
