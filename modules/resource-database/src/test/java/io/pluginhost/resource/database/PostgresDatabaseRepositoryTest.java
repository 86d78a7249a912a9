package io.pluginhost.resource.database;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.devservices.PostgresDevServer;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The repository on a real PostgreSQL, where each plugin also logs in as its own role. */
class PostgresDatabaseRepositoryTest extends DatabaseRepositoryContract {

    @Override
    DataSource dataSource() {
        return PostgresDevServer.dataSource();
    }

    @Override
    boolean isPostgres() {
        return true;
    }

    /**
     * The database's defence alone: the guard switched off, every hostile statement run raw as a
     * plugin's login. Whatever runs or fails, no other plugin's rows, no host row, no file and no
     * other role's session is reached, and the protected data is unchanged after each statement.
     */
    @Test
    void withTheGuardOffThePluginsLoginAloneKeepsEveryoneElsesDataOutOfReach() throws Exception {
        String vault = uniquePlugin("vault");
        DatabaseRepository vaultDb = repository(vault, "secret");
        vaultDb.executeCommand("CREATE TABLE secret (id INTEGER, x INTEGER, body VARCHAR(100))");
        vaultDb.executeCommand("INSERT INTO secret VALUES (1, 1, 'classified')");
        raw("CREATE TABLE IF NOT EXISTS secret (id INTEGER, x INTEGER, body VARCHAR(100))");
        raw("DELETE FROM secret");
        raw("INSERT INTO secret VALUES (1, 1, 'host data')");
        String crm = uniquePlugin("crm");
        JdbcDatabaseRepository crmDb = (JdbcDatabaseRepository) repository(
                SETTINGS.withLimits(java.time.Duration.ofSeconds(2), 1000, 1 << 20), crm, "notes", "note_tags");
        crmDb.executeCommand("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(2000))");
        crmDb.executeCommand("CREATE TABLE note_tags (note_id INTEGER, tag VARCHAR(100), id INTEGER)");

        List<String> attacks = new ArrayList<>(SqlTableGuardTest.adversarial());
        // The same attacks aimed at physical names, as a statement past the guard would be.
        for (String sql : List.of("SELECT * FROM secret", "SELECT * FROM \"" + vault + "_secret\"",
                "DELETE FROM \"" + vault + "_secret\"", "DROP TABLE \"" + vault + "_secret\"",
                "ALTER TABLE \"" + vault + "_secret\" OWNER TO " + SqlNames.quote(PostgresRoles.roleName(crm)),
                "UPDATE secret SET body = 'x'", "TRUNCATE secret", "SET ROLE postgres",
                "SELECT set_config('role', 'postgres', false)", "RESET ROLE",
                "SELECT query_to_xml('SELECT * FROM \"" + vault + "_secret\"', true, true, '')",
                "SELECT pg_read_file('PG_VERSION')", "SELECT lo_import('/etc/hostname')",
                "COPY secret TO '/tmp/stolen'", "CREATE ROLE thief SUPERUSER", "GRANT postgres TO CURRENT_USER",
                "ALTER ROLE CURRENT_USER SUPERUSER", "SET SESSION AUTHORIZATION postgres")) {
            attacks.add(sql);
        }
        int ran = 0;
        try (Connection check = dataSource().getConnection()) {
        for (String sql : attacks) {
            String result;
            try {
                result = String.valueOf(crmDb.executeUnguarded(sql));
                ran++;
            } catch (PluginException refusedByTheDatabase) {
                result = refusedByTheDatabase.getMessage();
            }
            assertThat(result).as(sql).doesNotContain("classified").doesNotContain("host data")
                    .doesNotContain("PG_VERSION").doesNotContain("root:");
            assertThat(rawState(check, vault + "_secret")).as("after " + sql).isEqualTo("1:classified");
            assertThat(rawState(check, "secret")).as("after " + sql).isEqualTo("1:host data");
        }
        }
        // Every statement runs on a fresh login of the plugin's role: nothing it ran changed who that is.
        assertThat(crmDb.executeUnguarded("SELECT current_user AS u, session_user AS s"))
                .containsExactly(Map.of("u", PostgresRoles.roleName(crm), "s", PostgresRoles.roleName(crm)));
        assertThat(ran).as("statements the database itself ran harmlessly").isPositive();
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT rolsuper, rolcreaterole, rolcreatedb,"
                     + " (SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
                     + " WHERE r.rolname = '" + PostgresRoles.roleName(crm) + "') FROM pg_roles WHERE rolname = '"
                     + PostgresRoles.roleName(crm) + "'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getBoolean(1) || rows.getBoolean(2) || rows.getBoolean(3)).isFalse();
            assertThat(rows.getInt(4)).as("memberships of the plugin's role").isZero();
        }
    }

    /** A database that accepts and never answers costs one failure bounded by the DataSource's timeouts. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aHungDatabaseFailsTheRepositoryWithinTheDataSourcesTimeouts() throws Exception {
        try (io.pluginhost.devservices.HungServer hung = io.pluginhost.devservices.HungServer.start()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> openOn(hung, "stalled", "items"))
                    .isInstanceOf(java.sql.SQLException.class);
        }
    }

    /** Opens a plugin's repository on a PostgreSQL data source whose server accepts and never answers. */
    private static DatabaseRepository openOn(io.pluginhost.devservices.HungServer hung, String plugin,
                                             String... tables) throws java.sql.SQLException {
        org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL("jdbc:postgresql://127.0.0.1:" + hung.port() + "/postgres?loginTimeout=2&socketTimeout=5");
        PluginDescriptor descriptor = new PluginDescriptor(plugin, "1", "", List.of(), List.of(tables), List.of(),
                List.of());
        return new DatabaseRepositoryProvider(dataSource, PARSER, SETTINGS).open(ResourceScope.of(plugin,
                EffectiveResources.of(descriptor, ResourceOverrides.NONE), (what, e) -> { }));
    }

    /**
     * Every load opened a connection, also of a plugin that declares no table: with the database down or
     * hanging, no plugin loaded, whether it used the database or not.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aPluginThatDeclaresNoTableLoadsWhileTheDatabaseHangsAndItsStatementFailsTyped() throws Exception {
        try (io.pluginhost.devservices.HungServer hung = io.pluginhost.devservices.HungServer.start()) {
            DatabaseRepository db = openOn(hung, "tableless");

            assertThat(hung.connections()).as("connections made to the database at load").isZero();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.executeQuery("SELECT 1 AS one"))
                    .isInstanceOf(io.pluginhost.api.exception.PluginException.class)
                    .hasMessageContaining("plugin 'tableless'");
        }
    }

    @Test
    void twoNodesWithoutAConfiguredRoleSecretKeepEachOthersPluginLoginsWorking() throws Exception {
        // Two nodes of a cluster on one database, each started with the default settings: the second to load
        // the plugin provisions its role again, and the first node's next connection must still log in.
        String plugin = uniquePlugin("cluster");
        DatabaseRepository firstNode = repository(DatabaseSettings.defaults(), plugin, "items");
        firstNode.executeCommand("CREATE TABLE items (id INTEGER)");

        DatabaseRepository secondNode = repository(DatabaseSettings.defaults(), plugin, "items");
        secondNode.executeCommand("INSERT INTO items VALUES (2)");
        firstNode.executeCommand("INSERT INTO items VALUES (1)");

        assertThat(firstNode.executeQuery("SELECT id FROM items ORDER BY id")).extracting(row -> row.get("id"))
                .containsExactly(1, 2);
    }

    @Test
    void twoNodesLoadingOnePluginAtOnceBothGetItsLogin() throws Exception {
        // A cluster's nodes start together and load the same plugin directory: both provision each role.
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                String plugin = uniquePlugin("together");
                CyclicBarrier start = new CyclicBarrier(2);
                Callable<DatabaseRepository> load = () -> {
                    start.await(30, TimeUnit.SECONDS);
                    return repository(DatabaseSettings.defaults(), plugin, "items");
                };
                Future<DatabaseRepository> first = nodes.submit(load);
                Future<DatabaseRepository> second = nodes.submit(load);

                first.get(60, TimeUnit.SECONDS).executeCommand("CREATE TABLE items (id INTEGER)");
                second.get(60, TimeUnit.SECONDS).executeCommand("INSERT INTO items VALUES (1)");
            }
        } finally {
            nodes.shutdownNow();
        }
    }

    /** Neither the role secret, nor which node runs the tasks on one node, nor what operators set for every node. */
    @Test
    void noPluginRoleReadsOrChangesTheTablesTheHostKeeps() throws Exception {
        JdbcDatabaseRepository plugin = (JdbcDatabaseRepository) repository(uniquePlugin("curious"), "items");
        new DatabaseTaskLeases(this::dataSource, "node", java.time.Duration.ofSeconds(10))
                .hold("curious", "sweep", java.time.Duration.ofMinutes(1));
        HostDocuments documents = new HostDocuments(this::dataSource, java.time.Duration.ofSeconds(10));
        documents.write("curious-" + System.nanoTime(), 0, "{}");
        String secret = "\"" + PostgresRoles.SECRET_TABLE + "\"";
        String leases = "\"" + DatabaseTaskLeases.TABLE + "\"";
        String shared = "\"" + HostDocuments.TABLE + "\"";

        for (String sql : List.of("SELECT secret FROM " + secret, "UPDATE " + secret + " SET secret = 'mine'",
                "DELETE FROM " + secret, "DROP TABLE " + secret, "SELECT * FROM " + leases,
                "UPDATE " + leases + " SET holder = 'me'", "DELETE FROM " + leases, "DROP TABLE " + leases,
                "SELECT body FROM " + shared, "UPDATE " + shared + " SET body = '{}'", "DROP TABLE " + shared)) {
            assertThatThrownBy(() -> plugin.executeUnguarded(sql)).as(sql).isInstanceOf(PluginException.class)
                    .hasMessageContaining("42501"); // insufficient privilege (or must be owner)
        }
    }

    @Test
    void aRoleSecretTableTheHostDoesNotOwnIsRefused() throws Exception {
        repository(uniquePlugin("first"), "items"); // the host's secret table exists from here on
        String squatter = uniquePlugin("squatter");
        repository(squatter, "items");
        raw("ALTER TABLE \"pluginhost$role_secret\" OWNER TO " + SqlNames.quote(PostgresRoles.roleName(squatter)));
        try {
            assertThatThrownBy(() -> repository(DatabaseSettings.defaults(), uniquePlugin("next"), "items"))
                    .isInstanceOf(java.sql.SQLException.class)
                    .hasMessageContaining("pluginhost$role_secret")
                    .hasMessageContaining("owned by " + PostgresRoles.roleName(squatter));
        } finally {
            raw("ALTER TABLE \"pluginhost$role_secret\" OWNER TO postgres");
        }
    }

    @Test
    void loadingAPluginNeverTakesOverATableItsRoleDidNotCreate() throws Exception {
        String plugin = uniquePlugin("squat");
        raw("CREATE TABLE \"" + plugin + "_items\" (id INTEGER)");

        repository(plugin, "items");

        try (Connection connection = dataSource().getConnection(); Statement raw = connection.createStatement();
             ResultSet rows = raw.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = '"
                     + plugin + "_items'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("postgres");
        }
    }

    @Test
    void tablesCreatedThroughAPluginAreOwnedByItsRole() throws Exception {
        String plugin = uniquePlugin("owner");
        repository(plugin, "items").executeCommand("CREATE TABLE items (id INTEGER)");

        try (Connection connection = dataSource().getConnection(); Statement raw = connection.createStatement();
             ResultSet rows = raw.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = '"
                     + plugin + "_items'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo(PostgresRoles.roleName(plugin));
        }
    }

    @Test
    void aStatementRunsInsideTheCallersTransactionAndLeavesTheSessionRoleAsItWas() throws Exception {
        String plugin = uniquePlugin("tx");
        DatabaseRepository db = repository(plugin, "items");
        db.executeCommand("CREATE TABLE items (id INTEGER)");

        try (Connection connection = dataSource().getConnection(); Statement raw = connection.createStatement();
             ResultSet role = raw.executeQuery("SELECT current_user")) {
            role.next();
            assertThat(role.getString(1)).isEqualTo("postgres");
        }
    }

    /**
     * A data source whose driver rewrites a batch of inserts into multi-row statements does not tell each row's
     * count: the plugin is given -2 (SUCCESS_NO_INFO) for each row it rewrote (the driver sends them in groups of
     * a power of two, so 3 rows are 2 rewritten and 1 sent alone), as the API says, and a refused row is not
     * named.
     */
    @Test
    void aBatchOnADriverThatRewritesItGivesNoCountPerRow() throws Exception {
        org.postgresql.ds.PGSimpleDataSource rewriting = new org.postgresql.ds.PGSimpleDataSource();
        rewriting.setURL(PostgresDevServer.jdbcUrl());
        rewriting.setReWriteBatchedInserts(true);
        DatabaseRepository db = repository(rewriting, SETTINGS, uniquePlugin("rewrite"), "items");
        db.executeCommand("CREATE TABLE items (id INTEGER PRIMARY KEY)");

        int[] counts = db.executeBatch("INSERT INTO items VALUES (?)",
                List.of(new Object[] {1}, new Object[] {2}, new Object[] {3}));

        assertThat(counts).hasSize(3).contains(Statement.SUCCESS_NO_INFO); // a row sent alone keeps its count
        assertThat(java.util.Arrays.stream(counts).boxed()).allMatch(count -> count == 1
                || count == Statement.SUCCESS_NO_INFO);
        assertThatThrownBy(() -> db.executeBatch("INSERT INTO items VALUES (?)",
                List.of(new Object[] {4}, new Object[] {1}, new Object[] {5})))
                .isInstanceOf(PluginException.class).hasMessageContaining("a row of the batch of 3")
                .hasMessageContaining("Key (id)=(1) already exists");
        assertThat(db.executeQuery("SELECT count(*) AS n FROM items").get(0).get("n").toString()).isEqualTo("3");
    }
}
