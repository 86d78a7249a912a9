package io.pluginhost.resource.database;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.QueryLimitExceededException;
import io.pluginhost.api.exception.TableAccessDeniedException;
import io.pluginhost.api.exception.TransactionConflictException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.api.resource.DatabaseRepository.Isolation;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The database repository against a real database: the same tests on H2 and on PostgreSQL. Each
 * test uses fresh plugin names with a '-' so every statement also proves the quoting of physical
 * names.
 */
abstract class DatabaseRepositoryContract {

    /** Shared by every test class in the JVM, as the host shares one; daemon threads, never shut down. */
    static final ExecutorService PARSER = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "sql-parser");
        thread.setDaemon(true);
        return thread;
    });
    private static final AtomicInteger PLUGINS = new AtomicInteger();
    static final DatabaseSettings SETTINGS = DatabaseSettings.defaults();

    abstract DataSource dataSource();

    abstract boolean isPostgres();

    static String uniquePlugin(String base) {
        return base + "-" + PLUGINS.incrementAndGet();
    }

    DatabaseRepository repository(String plugin, String... tables) throws Exception {
        return repository(SETTINGS, plugin, tables);
    }

    DatabaseRepository repository(DatabaseSettings settings, String plugin, String... tables) throws Exception {
        return repository(dataSource(), settings, plugin, tables);
    }

    DatabaseRepository repository(DataSource dataSource, DatabaseSettings settings, String plugin, String... tables)
            throws Exception {
        PluginDescriptor descriptor = new PluginDescriptor(plugin, "1", "", List.of(), List.of(tables), List.of(),
                List.of());
        ResourceScope scope = ResourceScope.of(plugin, EffectiveResources.of(descriptor, ResourceOverrides.NONE),
                (what, e) -> { throw new IllegalStateException(what, e); });
        return new DatabaseRepositoryProvider(dataSource, PARSER, settings).open(scope);
    }

    long rawCount(String physicalTable) throws Exception {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + SqlNames.quote(physicalTable))) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The rows of a table, as the host's user sees them, with its body texts: "1:classified". */
    static String rawState(Connection connection, String physicalTable) throws Exception {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*), max(body) FROM "
                     + SqlNames.quote(physicalTable))) {
            rows.next();
            return rows.getLong(1) + ":" + rows.getString(2);
        }
    }

    void raw(String sql) throws Exception {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void theScenarioCorpusRunsInOrderAndReturnsTheExpectedRows() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("crm"), "notes", "note_tags", "archive");
        int run = 0;
        for (String line : SqlCorpus.read("scenario.sql")) {
            if (line.startsWith("pg: ")) {
                if (!isPostgres()) {
                    continue;
                }
                line = line.substring(4);
            }
            int arrow = line.lastIndexOf(" => ");
            String statement = line.substring(0, arrow);
            String expected = line.substring(arrow + 4).trim();
            Object[] params = new Object[0];
            int bar = statement.indexOf(" | ");
            if (bar > 0) {
                params = parameters(statement.substring(bar + 3));
                statement = statement.substring(0, bar);
            }
            check(db, statement, params, expected);
            run++;
        }
        assertThat(run).isGreaterThanOrEqualTo(50);
    }

    private static void check(DatabaseRepository db, String sql, Object[] params, String expected) {
        String context = sql + " => " + expected;
        try {
            if (expected.equals("ok")) {
                db.executeCommand(sql, params);
            } else if (expected.startsWith("#")) {
                assertThat(db.executeCommand(sql, params)).as(context).isEqualTo(Integer.parseInt(expected.substring(1)));
            } else if (expected.startsWith("rows:")) {
                assertThat(text(db.executeQuery(sql, params))).as(context).isEqualTo(expectedRows(expected));
            } else if (expected.equals("error")) {
                assertThatThrownBy(() -> db.executeCommand(sql, params)).as(context)
                        .isInstanceOf(PluginException.class).isNotInstanceOf(TableAccessDeniedException.class)
                        .hasMessageContaining("the database refused the statement");
            } else {
                fail("unknown expectation in scenario.sql: " + context);
            }
        } catch (RuntimeException e) {
            throw new AssertionError("scenario step failed: " + context + ": " + e, e);
        }
    }

    private static Object[] parameters(String text) {
        return java.util.Arrays.stream(text.split(",\\s*"))
                .map(value -> value.matches("-?\\d+") ? (Object) Integer.valueOf(value) : value)
                .toArray();
    }

    private static List<Map<String, String>> expectedRows(String expected) {
        String body = expected.substring("rows:".length()).trim();
        List<Map<String, String>> rows = new ArrayList<>();
        if (body.isEmpty()) {
            return rows;
        }
        for (String row : body.split(" \\| ")) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String pair : row.split(",")) {
                int equals = pair.indexOf('=');
                values.put(pair.substring(0, equals).trim(), pair.substring(equals + 1));
            }
            rows.add(values);
        }
        return rows;
    }

    private static List<Map<String, String>> text(List<Map<String, Object>> rows) {
        List<Map<String, String>> result = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, String> values = new LinkedHashMap<>();
            row.forEach((label, value) -> values.put(label.toLowerCase(java.util.Locale.ROOT), String.valueOf(value)));
            result.add(values);
        }
        return result;
    }

    @Test
    void adversarialStatementsAreRefusedAndTheDataOfOthersIsUntouched() throws Exception {
        String vaultName = uniquePlugin("vault");
        DatabaseRepository vault = repository(vaultName, "secret");
        vault.executeCommand("CREATE TABLE secret (id INTEGER, x INTEGER, body VARCHAR(100))");
        vault.executeCommand("INSERT INTO secret VALUES (1, 1, 'classified')");
        raw("CREATE TABLE IF NOT EXISTS secret (id INTEGER, x INTEGER, body VARCHAR(100))");
        raw("DELETE FROM secret");
        raw("INSERT INTO secret VALUES (1, 1, 'host data')");
        String crmName = uniquePlugin("crm");
        DatabaseRepository crm = repository(crmName, "notes", "note_tags");
        crm.executeCommand("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(2000))");
        crm.executeCommand("CREATE TABLE note_tags (note_id INTEGER, tag VARCHAR(100), id INTEGER)");
        crm.executeCommand("INSERT INTO notes VALUES (1, 'mine')");

        try (Connection check = dataSource().getConnection()) {
            for (String sql : SqlTableGuardTest.adversarial()) {
                assertThatThrownBy(() -> crm.executeCommand(sql)).as(sql)
                        .isInstanceOf(TableAccessDeniedException.class);
                assertThat(rawState(check, vaultName + "_secret")).as("after " + sql).isEqualTo("1:classified");
                assertThat(rawState(check, "secret")).as("after " + sql).isEqualTo("1:host data");
            }
        }
        for (String sql : SqlCorpus.read("confined.sql")) {
            try {
                crm.executeQuery(sql); // runs, on the plugin's own tables only
            } catch (PluginException e) {
                // or the database's own syntax differs (H2 wants column lists in recursive CTEs)
                assertThat(e).as(sql).isNotInstanceOf(TableAccessDeniedException.class)
                        .hasMessageContaining("the database refused the statement");
            }
        }

        assertThat(rawCount(vaultName + "_secret")).isEqualTo(1);
        assertThat(rawCount("secret")).isEqualTo(1);
        assertThat(crm.executeQuery("SELECT body FROM notes")).containsExactly(Map.of("body", "mine"));
    }

    @Test
    void statementsPastALimitFailTypedAndReturnNothing() throws Exception {
        DatabaseRepository db = repository(SETTINGS.withLimits(java.time.Duration.ofSeconds(1), 100, 4_000),
                uniquePlugin("limits"), "items");
        db.executeCommand("CREATE TABLE items (id INTEGER, body VARCHAR(2000))");
        for (int i = 0; i < 101; i++) {
            db.executeCommand("INSERT INTO items VALUES (?, ?)", i, "x".repeat(10));
        }

        assertThat(db.executeQuery("SELECT id FROM items WHERE id < 100")).hasSize(100);
        assertThatThrownBy(() -> db.executeQuery("SELECT id FROM items"))
                .isInstanceOf(QueryLimitExceededException.class).hasMessageContaining("more than 100 rows")
                .extracting(e -> ((QueryLimitExceededException) e).limit()).isEqualTo("max rows");
        db.executeCommand("UPDATE items SET body = ? WHERE id < 3", "y".repeat(1500));
        assertThatThrownBy(() -> db.executeQuery("SELECT body FROM items WHERE id < 3"))
                .isInstanceOf(QueryLimitExceededException.class).hasMessageContaining("bytes");
        // An unbounded recursive CTE runs until the statement timeout cancels it.
        assertThatThrownBy(() -> db.executeQuery("WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)"
                + " SELECT count(*) FROM r"))
                .isInstanceOf(QueryLimitExceededException.class).hasMessageContaining("was cancelled")
                .extracting(e -> ((QueryLimitExceededException) e).limit()).isEqualTo("statement timeout");
        assertThat(db.executeQuery("SELECT count(*) AS n FROM items").get(0).get("n").toString()).isEqualTo("101");
    }

    @Test
    void aPluginThatDeclaresNoTableOpensTheDatabaseOnItsFirstStatement() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("tableless"));

        assertThat(db.getAllowedTables()).isEmpty();
        assertThat(db.executeQuery("SELECT 41 + 1 AS answer"))
                .extracting(row -> ((Number) row.get("answer")).intValue()).containsExactly(42);
        assertThatThrownBy(() -> db.executeQuery("SELECT * FROM items"))
                .isInstanceOf(io.pluginhost.api.exception.TableAccessDeniedException.class);
        List<Map<String, Object>> answer = db.inTransaction(tx -> tx.executeQuery("SELECT 6 * 7 AS answer"));
        assertThat(answer)
                .extracting(row -> ((Number) row.get("answer")).intValue()).containsExactly(42);
    }

    @Test
    void theWrongNumberOfParametersIsAClearError() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("params"), "items");
        db.executeCommand("CREATE TABLE items (id INTEGER)");

        assertThatThrownBy(() -> db.executeCommand("INSERT INTO items VALUES (?)"))
                .isInstanceOf(io.pluginhost.api.exception.InvalidArgumentException.class)
                .hasMessage("the statement has 1 parameter(s); 0 given");
        assertThatThrownBy(() -> db.executeQuery("INSERT INTO items VALUES (1)"))
                .isInstanceOf(io.pluginhost.api.exception.InvalidArgumentException.class)
                .hasMessageContaining("use executeCommand");
    }

    /**
     * A parameter that is not a value both databases store (a map, an enum, a plugin's own object): H2 stored
     * it Java-serialized, as a {@code JAVA_OBJECT} the host deserializes when it is read, or refused it with
     * "Serialization failed"; PostgreSQL's driver refused it in its own words. It is refused before either,
     * naming its place; the values the README promises go through on both.
     */
    @Test
    void aParameterOfAKindNoDatabaseStoresIsRefusedNamingItsPlace() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("kinds"), "items");
        db.executeCommand("CREATE TABLE items (id INTEGER, label VARCHAR(40), due DATE, ref UUID, seen TIMESTAMP)");

        for (Object odd : new Object[] {Map.of("a", 1), java.time.DayOfWeek.MONDAY, new Object(), List.of(1),
                new StringBuilder("text"), new Object[] {1, Map.of()}}) {
            assertThatThrownBy(() -> db.executeQuery("SELECT id FROM items WHERE id = ? AND label = ?", 1, odd))
                    .as("%s", odd.getClass().getName())
                    .isInstanceOf(io.pluginhost.api.exception.InvalidArgumentException.class)
                    .hasMessageStartingWith("parameter 2 is a " + odd.getClass().getName() + ";");
        }
        java.util.UUID ref = java.util.UUID.randomUUID();
        db.executeCommand("INSERT INTO items VALUES (?, ?, ?, ?, ?)", 1L, "one", java.time.LocalDate.of(2026, 12, 5),
                ref, java.time.LocalDateTime.of(2026, 12, 5, 10, 0));
        assertThat(db.executeQuery("SELECT label FROM items WHERE id = $1 AND ref = $2 AND due = $3", (short) 1,
                ref, java.sql.Date.valueOf("2026-12-05"))).containsExactly(Map.of("label", "one"));
    }

    @Test
    void postgresStyleNumberedPlaceholdersBindByNumber() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("dollar"), "items");
        db.executeCommand("CREATE TABLE items (id INTEGER, label VARCHAR(20))");
        db.executeCommand("INSERT INTO items (label, id) VALUES ($2, $1)", 7, "seven");
        db.executeCommand("INSERT INTO items (id, label) VALUES ($1, $2)", 8, "eight");

        assertThat(db.executeQuery("SELECT id FROM items WHERE label = $1 OR id = $2 OR label = $1", "seven", 0))
                .containsExactly(Map.of("id", 7));
    }

    /**
     * {@code = ANY(?)} with an array is how JDBC code asks for rows of a list of keys in one statement;
     * JSqlParser reads {@code ANY(...)} without a subquery as a call of a function named ANY, which the guard
     * refused as not allow-listed.
     */
    @Test
    void aListOfKeysIsOneArrayParameterOfAnyOrAll() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("keys"), "items");
        db.executeCommand("CREATE TABLE items (id INTEGER, label VARCHAR(20))");
        db.executeCommand("INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')");

        assertThat(db.executeQuery("SELECT label FROM items WHERE id = ANY(?) ORDER BY id",
                (Object) new Integer[] {3, 1, 7})).containsExactly(Map.of("label", "one"), Map.of("label", "three"));
        assertThat(db.executeQuery("SELECT id FROM items WHERE label <> ALL($1)", (Object) new String[] {"one", "two"}))
                .containsExactly(Map.of("id", 3));
        assertThat(db.executeCommand("DELETE FROM items WHERE id = some(ARRAY[1, 2])")).isEqualTo(2);
    }

    /**
     * A function in FROM (rows of an array, a series, a document's elements) is how a plugin inserts many rows
     * in one statement or fills a report's gaps; JSqlParser wraps it in a node of its own, a call with no
     * name, which the guard refused as "a function the guard cannot name".
     */
    @Test
    void rowsComeFromArraysAndSeriesThroughFunctionsInFrom() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("rows"), "items");
        db.executeCommand("CREATE TABLE items (id INTEGER, label VARCHAR(20))");

        assertThat(db.executeCommand("INSERT INTO items (id, label) SELECT * FROM unnest(?, ?)",
                new Integer[] {1, 2}, new String[] {"one", "two"})).isEqualTo(2);
        Map<String, Object> unmatched = new java.util.HashMap<>();
        unmatched.put("x", 3);
        unmatched.put("label", null);
        assertThat(db.executeQuery("SELECT u.x, i.label FROM unnest(ARRAY[2, 3]) AS u(x) LEFT JOIN items i"
                + " ON i.id = u.x ORDER BY u.x")).containsExactly(Map.of("x", 2, "label", "two"), unmatched);
        assertThatThrownBy(() -> db.executeQuery("SELECT * FROM unnest(ARRAY[(SELECT max(id) FROM secret)])"))
                .isInstanceOf(TableAccessDeniedException.class).hasMessageContaining("secret");
    }

    @Test
    void rowsArriveInColumnOrderWithJdkValues() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("types"), "things");
        db.executeCommand("CREATE TABLE things (id INTEGER, label VARCHAR(20), price DECIMAL(10,2), seen TIMESTAMP,"
                + " flag BOOLEAN)");
        db.executeCommand("INSERT INTO things VALUES (?, ?, ?, ?, ?)", 1, "one", new java.math.BigDecimal("9.50"),
                java.sql.Timestamp.valueOf("2026-11-25 10:00:00"), true);

        List<Map<String, Object>> rows = db.executeQuery("SELECT flag, price, label, id, seen FROM things");

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).keySet()).containsExactly("flag", "price", "label", "id", "seen");
        assertThat(rows.get(0).values()).allSatisfy(value -> assertThat(value.getClass().getName()).startsWith("java."));
        assertThat(rows.get(0).get("price")).isEqualTo(new java.math.BigDecimal("9.50"));
    }

    @Test
    void twoPluginsMayDeclareTheSameLogicalTableWithoutSharingIt() throws Exception {
        DatabaseRepository one = repository(uniquePlugin("twin"), "items");
        DatabaseRepository two = repository(uniquePlugin("twin"), "items");
        one.executeCommand("CREATE TABLE items (id INTEGER)");
        two.executeCommand("CREATE TABLE items (id INTEGER)");

        one.executeCommand("INSERT INTO items VALUES (1), (2)");

        assertThat(one.executeQuery("SELECT count(*) AS n FROM items").get(0).get("n").toString()).isEqualTo("2");
        assertThat(two.executeQuery("SELECT count(*) AS n FROM items").get(0).get("n").toString()).isEqualTo("0");
    }

    /**
     * A sequence of a declared name is the plugin's own, as its tables are: made, used as a column's default
     * and by {@code nextval}, restarted and dropped; another plugin's sequence of the same logical name is
     * another sequence.
     */
    @Test
    void aPluginMakesUsesRestartsAndDropsASequenceOfADeclaredName() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("seq"), "notes", "note_ids");
        DatabaseRepository twin = repository(uniquePlugin("seq"), "note_ids");
        db.executeCommand("CREATE SEQUENCE note_ids START WITH 10 INCREMENT BY 5");
        twin.executeCommand("CREATE SEQUENCE note_ids START WITH 1");
        db.executeCommand("CREATE TABLE notes (id BIGINT DEFAULT nextval('note_ids') PRIMARY KEY, body VARCHAR(20))");

        db.executeCommand("INSERT INTO notes (body) VALUES ('a'), ('b')");

        assertThat(text(db.executeQuery("SELECT id FROM notes ORDER BY id")))
                .isEqualTo(expectedRows("rows: id=10 | id=15"));
        assertThat(text(twin.executeQuery("SELECT nextval('note_ids') AS n"))).isEqualTo(expectedRows("rows: n=1"));
        db.executeCommand("ALTER SEQUENCE note_ids RESTART WITH 100");
        assertThat(text(db.executeQuery("SELECT nextval('note_ids') AS n"))).isEqualTo(expectedRows("rows: n=100"));
        db.executeCommand("CREATE SEQUENCE IF NOT EXISTS note_ids START WITH 1"); // as the plugin's next load would
        assertThat(text(db.executeQuery("SELECT nextval('note_ids') AS n"))).isEqualTo(expectedRows("rows: n=105"));
        assertThatThrownBy(() -> db.executeCommand("CREATE SEQUENCE other_ids"))
                .isInstanceOf(TableAccessDeniedException.class).hasMessageContaining("other_ids");
        db.executeCommand("DROP TABLE notes");
        db.executeCommand("DROP SEQUENCE note_ids");
        db.executeCommand("ALTER SEQUENCE IF EXISTS note_ids RESTART"); // gone: nothing to do, and no error
        assertThatThrownBy(() -> db.executeQuery("SELECT nextval('note_ids') AS n"))
                .isInstanceOf(PluginException.class).isNotInstanceOf(TableAccessDeniedException.class)
                .hasMessageContaining("the database refused the statement");
        assertThat(text(twin.executeQuery("SELECT nextval('note_ids') AS n"))).isEqualTo(expectedRows("rows: n=2"));
    }

    /** TRUNCATE's RESTART IDENTITY starts a table's identity column again; the next row is 1 again. */
    @Test
    void truncatingATableMayRestartItsIdentity() throws Exception {
        DatabaseRepository db = repository(uniquePlugin("identity"), "items");
        db.executeCommand("CREATE TABLE items (id INTEGER GENERATED BY DEFAULT AS IDENTITY, label VARCHAR(10))");
        db.executeCommand("INSERT INTO items (label) VALUES ('a'), ('b')");

        db.executeCommand("TRUNCATE TABLE items CONTINUE IDENTITY");
        db.executeCommand("INSERT INTO items (label) VALUES ('c')");
        assertThat(text(db.executeQuery("SELECT id FROM items"))).isEqualTo(expectedRows("rows: id=3"));
        db.executeCommand("TRUNCATE TABLE items RESTART IDENTITY");
        db.executeCommand("INSERT INTO items (label) VALUES ('d')");
        assertThat(text(db.executeQuery("SELECT id FROM items"))).isEqualTo(expectedRows("rows: id=1"));
    }

    /** A plugin's accounts table with two rows, 1 = 100 and 2 = 0. */
    private DatabaseRepository accounts(DataSource dataSource, DatabaseSettings settings) throws Exception {
        return accounts(dataSource, settings, uniquePlugin("tx"));
    }

    private DatabaseRepository accounts(DataSource dataSource, DatabaseSettings settings, String plugin)
            throws Exception {
        DatabaseRepository db = repository(dataSource, settings, plugin, "accounts");
        db.executeCommand("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
        db.executeCommand("INSERT INTO accounts VALUES (1, 100), (2, 0)");
        return db;
    }

    /** @return the accounts as "id=balance", in order of id */
    private static String balances(DatabaseRepository db) {
        return String.join(",", db.executeQuery("SELECT id, balance FROM accounts ORDER BY id").stream()
                .map(row -> row.get("id") + "=" + row.get("balance")).toList());
    }

    @Test
    void aTransactionCommitsItsStatementsTogetherOrNotAtAll() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS);

        Integer moved = db.inTransaction(tx -> {
            tx.executeCommand("UPDATE accounts SET balance = balance - $1 WHERE id = 1", 30);
            tx.executeCommand("UPDATE accounts SET balance = balance + $1 WHERE id = 2", 30);
            return 30;
        });

        assertThat(moved).isEqualTo(30);
        assertThat(balances(db)).isEqualTo("1=70,2=30");
        IllegalStateException changedItsMind = new IllegalStateException("the plugin changed its mind");
        assertThatThrownBy(() -> db.inTransaction(tx -> {
            tx.executeCommand("UPDATE accounts SET balance = 0");
            tx.executeCommand("DELETE FROM accounts WHERE id = 2");
            throw changedItsMind;
        })).isSameAs(changedItsMind);
        assertThat(balances(db)).isEqualTo("1=70,2=30");
        assertThatThrownBy(() -> db.inTransaction(null)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no work");
    }

    /**
     * PostgreSQL aborts a transaction at its first failed statement and H2 does not, so a plugin that caught a
     * duplicate key and went on would keep half its work on H2 and fail on PostgreSQL. On both, the failure
     * rolls all of it back, and what comes after fails without running.
     */
    @Test
    void aStatementTheDatabaseRefusesRollsBackItsWholeTransaction() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS);
        List<Throwable> caught = new ArrayList<>();

        assertThatThrownBy(() -> db.inTransaction(tx -> {
            tx.executeCommand("UPDATE accounts SET balance = 0 WHERE id = 1");
            for (String sql : List.of("INSERT INTO accounts VALUES (2, 5)", "UPDATE accounts SET balance = 1")) {
                try {
                    tx.executeCommand(sql);
                } catch (PluginException e) {
                    caught.add(e);
                }
            }
            return "done";
        })).isInstanceOf(PluginException.class).hasMessageContaining("was rolled back")
                .hasMessageContaining("the database refused the statement");

        assertThat(caught).hasSize(2);
        assertThat(caught.get(0)).hasMessageContaining("the database refused the statement");
        assertThat(caught.get(1)).hasMessageContaining("after a statement in it failed");
        assertThat(balances(db)).isEqualTo("1=100,2=0");
    }

    /** What the guard refuses, or a limit stops after the database answered, changes nothing in the database. */
    @Test
    void aRefusedStatementOrALimitLeavesTheTransactionAsItWas() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS.withLimits(Duration.ofSeconds(30), 1, 100_000));

        db.inTransaction(tx -> {
            tx.executeCommand("UPDATE accounts SET balance = 50 WHERE id = 1");
            assertThatThrownBy(() -> tx.executeQuery("SELECT * FROM secrets"))
                    .isInstanceOf(TableAccessDeniedException.class);
            assertThatThrownBy(() -> tx.executeQuery("SELECT id FROM accounts"))
                    .isInstanceOf(QueryLimitExceededException.class);
            assertThatThrownBy(() -> tx.executeCommand("UPDATE accounts SET balance = ?"))
                    .isInstanceOf(InvalidArgumentException.class);
            return tx.executeCommand("UPDATE accounts SET balance = 50 WHERE id = 2");
        });

        assertThat(db.executeQuery("SELECT count(*) AS n FROM accounts WHERE balance = 50").get(0).get("n")
                .toString()).isEqualTo("2");
    }

    /**
     * A change whose rows the plugin was not given (RETURNING past the row limit) is not kept: outside a
     * transaction it rolls back alone, inside one the transaction rolls back with it. PostgreSQL only: H2 has
     * no RETURNING.
     */
    @Test
    void aChangeStoppedByALimitRollsBackItsTransaction() throws Exception {
        assumeTrue(isPostgres(), "H2 has no RETURNING");
        DatabaseRepository db = accounts(dataSource(), SETTINGS.withLimits(Duration.ofSeconds(30), 1, 100_000));

        assertThatThrownBy(() -> db.inTransaction(tx -> {
            tx.executeCommand("UPDATE accounts SET balance = 1 WHERE id = 1");
            assertThatThrownBy(() -> tx.executeQuery("UPDATE accounts SET balance = 7 RETURNING id"))
                    .isInstanceOf(QueryLimitExceededException.class);
            return null;
        })).isInstanceOf(PluginException.class).hasMessageContaining("was rolled back")
                .hasMessageContaining("more than 1 rows");

        assertThat(db.executeQuery("SELECT count(*) AS n FROM accounts WHERE balance IN (1, 7)").get(0).get("n")
                .toString()).isEqualTo("0");
    }

    /** PostgreSQL checks a deferred constraint at commit: a transaction it refuses there keeps nothing. */
    @Test
    void aTransactionTheDatabaseWillNotCommitKeepsNothing() throws Exception {
        assumeTrue(isPostgres(), "H2 has no deferred constraints");
        DatabaseRepository db = repository(uniquePlugin("tx"), "pairs");
        db.executeCommand("CREATE TABLE pairs (id INTEGER, CONSTRAINT one_each UNIQUE (id) DEFERRABLE INITIALLY"
                + " DEFERRED)");

        assertThatThrownBy(() -> db.inTransaction(tx -> {
            tx.executeCommand("INSERT INTO pairs VALUES (1)");
            return tx.executeCommand("INSERT INTO pairs VALUES (1)");
        })).isInstanceOf(PluginException.class).hasMessageContaining("the database did not commit the transaction")
                .hasMessageContaining("23505");

        assertThat(db.executeQuery("SELECT count(*) AS n FROM pairs").get(0).get("n").toString()).isEqualTo("0");
        int inserted = db.inTransaction(tx -> tx.executeCommand("INSERT INTO pairs VALUES (1)"));
        assertThat(inserted).isEqualTo(1);
    }

    /** Savepoints: an inner transaction that throws, or has a statement fail, takes back only its own work. */
    @Test
    void aTransactionInsideATransactionIsASavepoint() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS);

        db.inTransaction(tx -> {
            tx.executeCommand("INSERT INTO accounts VALUES (3, 3)");
            assertThatThrownBy(() -> tx.inTransaction(inner -> {
                inner.executeCommand("INSERT INTO accounts VALUES (4, 4)");
                throw new IllegalArgumentException("not this one");
            })).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> tx.inTransaction(inner -> {
                inner.executeCommand("INSERT INTO accounts VALUES (5, 5)");
                try {
                    inner.executeCommand("INSERT INTO accounts VALUES (3, 3)");
                } catch (PluginException duplicate) {
                    // caught, and still the inner transaction's end
                }
                return null;
            })).isInstanceOf(PluginException.class).hasMessageContaining("was rolled back to where it began");
            int inserted = tx.inTransaction(inner -> inner.executeCommand("INSERT INTO accounts VALUES (6, 6)"));
            assertThat(inserted).isEqualTo(1);
            return tx.executeCommand("INSERT INTO accounts VALUES (7, 7)");
        });

        assertThat(balances(db)).isEqualTo("1=100,2=0,3=3,6=6,7=7");
    }

    /**
     * The transaction belongs to the thread that runs the work: the plugin's own reference to its repository
     * joins it there, another thread runs on its own connection and does not see what is not committed. Each
     * transaction gives its one connection back however it ends, and a repository closed by an unload runs no
     * more.
     */
    @Test
    void aTransactionIsTheWorksThreadsAndGivesItsConnectionBack() throws Exception {
        AtomicInteger open = new AtomicInteger();
        String plugin = uniquePlugin("tx");
        DatabaseRepository db = accounts(counting(dataSource(), open), SETTINGS, plugin);

        db.inTransaction(tx -> {
            db.executeCommand("INSERT INTO accounts VALUES (3, 3)");
            assertThat(CompletableFuture.supplyAsync(() -> balances(db)).join()).isEqualTo("1=100,2=0");
            assertThat(balances(db)).isEqualTo("1=100,2=0,3=3");
            assertThat(open).hasValue(1);
            return null;
        });
        assertThat(CompletableFuture.supplyAsync(() -> balances(db)).join()).isEqualTo("1=100,2=0,3=3");
        for (Function<DatabaseRepository, Object> work : List.<Function<DatabaseRepository, Object>>of(
                tx -> { throw new IllegalStateException("thrown"); },
                tx -> tx.executeCommand("INSERT INTO accounts VALUES (1, 1)"),
                tx -> tx.inTransaction(inner -> inner.executeCommand("INSERT INTO accounts VALUES (1, 1)")))) {
            assertThatThrownBy(() -> db.inTransaction(work)).isInstanceOfAny(IllegalStateException.class,
                    PluginException.class);
        }
        assertThat(open).hasValue(0);

        assertThatThrownBy(() -> db.inTransaction(tx -> {
            tx.executeCommand("DELETE FROM accounts");
            ((JdbcDatabaseRepository) db).close(); // as an unload by force does, while the work runs
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> db.inTransaction(tx -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThat(open).hasValue(0);
        assertThat(rawCount(plugin + "_accounts")).isEqualTo(3);
    }

    /**
     * A transaction may ask for a stricter isolation level than the database's default: under REPEATABLE READ
     * and SERIALIZABLE it reads the same row the same way however often, while another thread changes it, where
     * the default (READ COMMITTED) sees each committed change.
     */
    @Test
    void aTransactionMayAskForAStricterIsolationLevel() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS);
        Function<DatabaseRepository, String> readTwiceAroundAChange = tx -> {
            String before = balances(tx);
            CompletableFuture.runAsync(() -> db.executeCommand("UPDATE accounts SET balance = balance + 1"
                    + " WHERE id = 1")).join();
            return before + " then " + balances(tx);
        };

        String repeatable = db.inTransaction(Isolation.REPEATABLE_READ, readTwiceAroundAChange);
        String serializable = db.inTransaction(Isolation.SERIALIZABLE, readTwiceAroundAChange);
        String readCommitted = db.inTransaction(Isolation.READ_COMMITTED, readTwiceAroundAChange);
        String byDefault = db.inTransaction(readTwiceAroundAChange);

        assertThat(repeatable).isEqualTo("1=100,2=0 then 1=100,2=0");
        assertThat(serializable).isEqualTo("1=101,2=0 then 1=101,2=0");
        assertThat(readCommitted).isEqualTo("1=102,2=0 then 1=103,2=0");
        assertThat(byDefault).isEqualTo("1=103,2=0 then 1=104,2=0");
        assertThatThrownBy(() -> db.inTransaction(null, tx -> 1)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no isolation level");
    }

    /**
     * The level lasts as long as the transaction: the connection goes back to the pool at the level it came
     * with, however the transaction ended, and a transaction inside it keeps its level. A transaction at the
     * database's own level does not ask the connection for its level, which PostgreSQL's driver asks the server.
     */
    @Test
    void aTransactionsIsolationLevelEndsWithIt() throws Exception {
        List<Connection> handedOut = new ArrayList<>();
        List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            DatabaseRepository db = accounts(reusing(dataSource(), handedOut, calls), SETTINGS, uniquePlugin("iso"));
            int changed = db.inTransaction(tx -> {
                assertThatThrownBy(() -> tx.inTransaction(Isolation.SERIALIZABLE, inner -> 1))
                        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("(READ COMMITTED)");
                return tx.inTransaction(Isolation.READ_COMMITTED,
                        inner -> inner.executeCommand("UPDATE accounts SET balance = 0 WHERE id = 2"));
            });
            assertThat(changed).isEqualTo(1);
            calls.clear();
            db.inTransaction(tx -> tx.executeCommand("UPDATE accounts SET balance = 0 WHERE id = 2"));
            assertThat(calls).contains("setAutoCommit", "commit").doesNotContain("getTransactionIsolation",
                    "setTransactionIsolation");
            theLevelEndsWithTheTransaction(db, handedOut);
        } finally {
            for (Connection connection : handedOut) {
                connection.close();
            }
        }
    }

    private static void theLevelEndsWithTheTransaction(DatabaseRepository db, List<Connection> handedOut) {
        List<Integer> during = new ArrayList<>();

        db.inTransaction(Isolation.SERIALIZABLE, tx -> {
            during.add(strictest(handedOut));
            assertThatThrownBy(() -> tx.inTransaction(Isolation.REPEATABLE_READ, inner -> 1))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("keeps the isolation level of the transaction it is in (SERIALIZABLE)");
            int inner = tx.inTransaction(Isolation.SERIALIZABLE, same -> tx.inTransaction(
                    any -> any.executeCommand("UPDATE accounts SET balance = 1 WHERE id = 2")));
            return inner;
        });
        assertThat(strictest(handedOut)).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
        assertThatThrownBy(() -> db.inTransaction(Isolation.REPEATABLE_READ, tx -> {
            during.add(strictest(handedOut));
            throw new IllegalStateException("changed its mind");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(strictest(handedOut)).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);

        assertThat(during).containsExactly(Connection.TRANSACTION_SERIALIZABLE, Connection.TRANSACTION_REPEATABLE_READ);
        assertThat(balances(db)).isEqualTo("1=100,2=1");
    }

    /**
     * A transaction that changes a row another changed since it began fails, on both databases, with the type
     * that says to run it again, whether or not its work caught it; run again, it succeeds.
     */
    @Test
    void aTransactionThatConflictsWithAnotherFailsAsAConflictToRunAgain() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS);
        AtomicInteger runs = new AtomicInteger();
        Function<DatabaseRepository, Integer> addOne = tx -> {
            balances(tx); // what it reads from here on is what was committed when it began
            if (runs.incrementAndGet() == 1) {
                CompletableFuture.runAsync(() -> db.executeCommand("UPDATE accounts SET balance = 50 WHERE id = 1"))
                        .join();
            }
            return tx.executeCommand("UPDATE accounts SET balance = balance + 1 WHERE id = 1");
        };

        assertThatThrownBy(() -> db.inTransaction(Isolation.REPEATABLE_READ, addOne))
                .isInstanceOf(TransactionConflictException.class).hasMessageContaining("run it again");
        int changed = db.inTransaction(Isolation.REPEATABLE_READ, addOne);
        assertThat(changed).isEqualTo(1);
        assertThat(balances(db)).isEqualTo("1=51,2=0");

        runs.set(0);
        assertThatThrownBy(() -> db.inTransaction(Isolation.SERIALIZABLE, tx -> {
            try {
                return addOne.apply(tx);
            } catch (TransactionConflictException caught) {
                return -1; // caught, and still the transaction's end
            }
        })).isInstanceOf(TransactionConflictException.class).hasMessageContaining("was rolled back");
        assertThat(balances(db)).isEqualTo("1=50,2=0");
    }

    /**
     * Two transactions that each wait for a row the other holds: the database ends one of them, which fails as
     * a conflict, and the other commits.
     */
    @Test
    void aDeadlockEndsOneOfItsTransactionsAsAConflict() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS);
        java.util.concurrent.CountDownLatch bothHoldOne = new java.util.concurrent.CountDownLatch(2);
        Function<int[], Function<DatabaseRepository, Integer>> moveBetween = ids -> tx -> {
            tx.executeCommand("UPDATE accounts SET balance = balance - 10 WHERE id = ?", ids[0]);
            bothHoldOne.countDown();
            try {
                bothHoldOne.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return tx.executeCommand("UPDATE accounts SET balance = balance + 10 WHERE id = ?", ids[1]);
        };

        List<CompletableFuture<Integer>> both = List.of(
                CompletableFuture.supplyAsync(() -> db.inTransaction(moveBetween.apply(new int[] {1, 2}))),
                CompletableFuture.supplyAsync(() -> db.inTransaction(moveBetween.apply(new int[] {2, 1}))));

        List<String> outcomes = new ArrayList<>();
        for (CompletableFuture<Integer> transaction : both) {
            outcomes.add(transaction.handle((changed, failure) -> failure == null ? "committed"
                    : failure.getCause().getClass().getSimpleName()).join());
        }
        assertThat(outcomes).containsExactlyInAnyOrder("committed", "TransactionConflictException");
        assertThat(balances(db)).isIn("1=90,2=10", "1=110,2=-10");
    }

    /** @return the strictest isolation level among the connections handed out */
    private static int strictest(List<Connection> connections) {
        int strictest = Connection.TRANSACTION_NONE;
        for (Connection connection : connections) {
            try {
                strictest = Math.max(strictest, connection.getTransactionIsolation());
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return strictest;
    }

    /**
     * @return a data source that hands out one connection per user, again and again, as a pool does, recording
     *         each, and the name of each method called on them; closing it gives it back
     */
    static DataSource reusing(DataSource target, List<Connection> handedOut, List<String> calls) {
        ClassLoader loader = DatabaseRepositoryContract.class.getClassLoader();
        Map<String, Connection> pooled = new LinkedHashMap<>();
        return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            if (!method.getName().equals("getConnection")) {
                return invoke(method, target, args);
            }
            String user = args == null ? "" : String.valueOf(args[0]);
            Connection connection = pooled.get(user);
            if (connection == null) {
                connection = (Connection) invoke(method, target, args);
                pooled.put(user, connection);
                handedOut.add(connection);
            }
            Connection physical = connection;
            return Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class}, (p, call, callArgs) -> {
                calls.add(call.getName());
                return call.getName().equals("close") ? null : invoke(call, physical, callArgs);
            });
        });
    }

    /**
     * A batch runs one statement for each of many rows in one round of the database's protocol, and keeps all
     * of it or none: a row the database refuses is named by its index where the driver tells it (H2's does;
     * PostgreSQL's reason names the values), and the rows before it are not kept.
     */
    @Test
    void aBatchRunsOneStatementForManyRowsAndKeepsAllOrNone() throws Exception {
        AtomicInteger open = new AtomicInteger();
        DatabaseRepository db = accounts(counting(dataSource(), open), SETTINGS, uniquePlugin("batch"));

        int[] inserted = db.executeBatch("INSERT INTO accounts VALUES (?, ?)",
                List.of(new Object[] {3, 30}, new Object[] {4, 40}, new Object[] {5, 50}));
        int[] updated = db.executeBatch("UPDATE accounts SET balance = $2 WHERE id = $1",
                List.of(new Object[] {1, 10}, new Object[] {9, 90}, new Object[] {2, 20}));

        assertThat(inserted).containsExactly(1, 1, 1);
        assertThat(updated).containsExactly(1, 0, 1);
        assertThat(balances(db)).isEqualTo("1=10,2=20,3=30,4=40,5=50");
        assertThatThrownBy(() -> db.executeBatch("INSERT INTO accounts VALUES (?, ?)",
                List.of(new Object[] {6, 60}, new Object[] {7, 70}, new Object[] {3, 33}, new Object[] {8, 80})))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining(isPostgres() ? "the database refused a row of the batch of 4"
                        : "the database refused the batch's row at index 2 of 4")
                .hasMessageContaining(isPostgres() ? "Key (id)=(3) already exists" : "23505")
                .hasMessageContaining("nothing of the batch was kept");
        assertThat(balances(db)).isEqualTo("1=10,2=20,3=30,4=40,5=50");
        assertThat(db.executeBatch("DELETE FROM accounts WHERE id = ?", List.of())).isEmpty();
        assertThat(open).hasValue(0);
    }

    /** What is wrong with a batch's statement or one of its rows is refused before anything runs, naming it. */
    @Test
    void aBatchOfAStatementOrARowThatCannotRunIsRefusedBeforeAnyRuns() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS);
        String insert = "INSERT INTO accounts VALUES (?, ?)";

        assertThatThrownBy(() -> db.executeBatch("INSERT INTO secrets VALUES (?)", List.of()))
                .isInstanceOf(TableAccessDeniedException.class);
        assertThatThrownBy(() -> db.executeBatch("SELECT id FROM accounts WHERE id = ?",
                List.<Object[]>of(new Object[] {1})))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("return no rows");
        assertThatThrownBy(() -> db.executeBatch(insert, null)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no rows");
        assertThatThrownBy(() -> db.executeBatch(insert, java.util.Arrays.<Object[]>asList(new Object[] {3, 3}, null)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("row at index 1 is null");
        assertThatThrownBy(() -> db.executeBatch(insert, List.of(new Object[] {3, 3}, new Object[] {4})))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("the batch's row at index 1: the statement has 2 parameter(s); 1 given");
        assertThatThrownBy(() -> db.executeBatch(insert, List.of(new Object[] {3, 3}, new Object[] {4, Map.of()})))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("the batch's row at index 1: parameter 2 is a ");
        assertThat(balances(db)).isEqualTo("1=100,2=0");
    }

    /** In a transaction a batch is part of it: rolled back with it, and a row refused rolls back all of it. */
    @Test
    void aBatchInATransactionIsPartOfIt() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS);
        String insert = "INSERT INTO accounts VALUES (?, ?)";

        assertThatThrownBy(() -> db.inTransaction(tx -> {
            tx.executeBatch(insert, List.of(new Object[] {3, 3}, new Object[] {4, 4}));
            throw new IllegalStateException("changed its mind");
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> db.inTransaction(tx -> {
            tx.executeCommand("UPDATE accounts SET balance = 7");
            try {
                tx.executeBatch(insert, List.of(new Object[] {3, 3}, new Object[] {1, 1}));
            } catch (PluginException duplicate) {
                // caught, and still the transaction's end
            }
            return null;
        })).isInstanceOf(PluginException.class).hasMessageContaining("was rolled back")
                .hasMessageContaining(isPostgres() ? "a row of the batch of 2" : "row at index 1 of 2");
        int[] counts = db.inTransaction(tx -> {
            tx.executeCommand("DELETE FROM accounts WHERE id = 2");
            return tx.executeBatch(insert, List.of(new Object[] {2, 2}, new Object[] {3, 3}));
        });

        assertThat(counts).containsExactly(1, 1);
        assertThat(balances(db)).isEqualTo("1=100,2=2,3=3");
    }

    /** The statement timeout bounds the whole batch; a batch it cancels keeps nothing. */
    @Test
    void aBatchPastTheStatementTimeoutKeepsNothing() throws Exception {
        DatabaseRepository db = accounts(dataSource(), SETTINGS.withLimits(Duration.ofSeconds(1), 100, 100_000));

        assertThatThrownBy(() -> db.executeBatch("INSERT INTO accounts VALUES (?, (WITH RECURSIVE r (n) AS"
                + " (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r))",
                List.of(new Object[] {3}, new Object[] {4})))
                .isInstanceOf(QueryLimitExceededException.class).hasMessageContaining("was cancelled");

        assertThat(balances(db)).isEqualTo("1=100,2=0");
    }

    /** @return a data source that hands out the target's connections and counts those not yet closed */
    static DataSource counting(DataSource target, AtomicInteger open) {
        ClassLoader loader = DatabaseRepositoryContract.class.getClassLoader();
        return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = invoke(method, target, args);
            if (!(result instanceof Connection connection)) {
                return result;
            }
            open.incrementAndGet();
            AtomicBoolean closed = new AtomicBoolean();
            return Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class}, (p, call, callArgs) -> {
                if (call.getName().equals("close") && closed.compareAndSet(false, true)) {
                    open.decrementAndGet();
                }
                return invoke(call, connection, callArgs);
            });
        });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
