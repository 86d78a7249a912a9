package io.pluginhost.resource.database;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Functions a plugin statement may not call: ones that read or write files, reach other databases
 * or servers, run SQL given as text, change or read server settings, or inspect objects by name.
 * Names are compared lowercased, as unquoted identifiers are.
 */
final class SqlFunctions {

    private static final List<String> DENIED_PREFIXES = List.of(
            "pg_",          // pg_read_file, pg_ls_dir, pg_sleep, pg_terminate_backend, pg_relation_size, ...
            "dblink",       // other databases
            "lo_",          // large objects: lo_import / lo_export touch server files
            "file_",        // H2 FILE_READ / FILE_WRITE
            "csv",          // H2 CSVREAD / CSVWRITE
            "query_to_", "table_to_", "cursor_to_", "schema_to_", "database_to_", // run SQL / dump tables as XML
            "txid_", "inet_", "has_", "java_", "sys_", "dbms_", "xp_", "utl_");

    private static final Set<String> DENIED = Set.of(
            "set_config", "current_setting", "to_regclass", "to_regproc", "to_regtype", "setval",
            "link_schema", "disk_space_used", "database_path", "h2version", "cancel_session", "abort_session",
            "load_file", "benchmark", "sleep", "copy", "execute", "system", "shell");

    private SqlFunctions() {
    }

    /**
     * @param name a function name as written (possibly quoted)
     * @return whether a plugin may not call it
     */
    static boolean isDenied(String name) {
        String key = SqlNames.key(name).toLowerCase(Locale.ROOT);
        return DENIED.contains(key) || DENIED_PREFIXES.stream().anyMatch(key::startsWith);
    }
}
