package io.pluginhost.resource.database;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.TableAccessDeniedException;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.util.TablesNamesFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlTableGuardTest {

    private static final ExecutorService PARSER = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "sql-parser");
        thread.setDaemon(true);
        return thread;
    });

    static SqlTableGuard guardFor(String plugin, ResourceOverrides overrides, String... tables) {
        PluginDescriptor descriptor = new PluginDescriptor(plugin, "1", "", List.of(), List.of(tables), List.of(),
                List.of());
        return new SqlTableGuard(plugin, EffectiveResources.of(descriptor, overrides).tables(), PARSER,
                Duration.ofSeconds(5));
    }

    private final SqlTableGuard guard = guardFor("crm", ResourceOverrides.NONE, "notes", "note_tags");

    @AfterAll
    static void stopParser() {
        PARSER.shutdownNow();
    }

    static List<String> adversarial() {
        return SqlCorpus.read("adversarial.sql");
    }

    static List<String> confined() {
        return SqlCorpus.read("confined.sql");
    }

    static List<String> legit() {
        return SqlCorpus.read("legit.sql");
    }

    @ParameterizedTest
    @MethodSource("adversarial")
    void everyAdversarialStatementIsRefused(String sql) {
        assertThatThrownBy(() -> guard.guard(sql))
                .as("guard should refuse: %s", sql)
                .isInstanceOf(TableAccessDeniedException.class)
                .hasMessageStartingWith("plugin 'crm'");
    }

    @ParameterizedTest
    @MethodSource("confined")
    void attackTextThatParsesHarmlesslyIsConfinedToThePluginsTables(String sql) throws Exception {
        String rewritten = guard.guard(sql).sql();

        assertThat(TablesNamesFinder.findTables(rewritten)).as(rewritten)
                .isSubsetOf("\"crm_notes\"", "\"crm_note_tags\"");
        assertThat(CCJSqlParserUtil.parseStatements(rewritten).size()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("legit")
    void everyLegitimateStatementIsAccepted(String sql) throws Exception {
        String rewritten = guard.guard(sql).sql();

        // Every name left is the plugin's own: its tables, or (DROP INDEX) its prefixed index.
        assertThat(TablesNamesFinder.findTables(rewritten)).as(rewritten).allMatch(name -> name.startsWith("\"crm_"));
    }

    @Test
    void theCorporaAreAsLargeAsPromised() {
        assertThat(adversarial()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(legit()).hasSizeGreaterThanOrEqualTo(50);
    }

    @Test
    void tablesAreRewrittenToQuotedPhysicalNamesAndKeepTheirLogicalNameAsAlias() {
        assertThat(guard.guard("SELECT notes.id FROM notes WHERE id = ?").sql())
                .isEqualTo("SELECT notes.id FROM \"crm_notes\" notes WHERE id = ?");
        assertThat(guard.guard("SELECT n.id FROM notes n JOIN note_tags t ON t.note_id = n.id").sql())
                .isEqualTo("SELECT n.id FROM \"crm_notes\" n JOIN \"crm_note_tags\" t ON t.note_id = n.id");
    }

    @Test
    void aPluginNameThatNeedsQuotingIsQuoted() {
        SqlTableGuard dashed = guardFor("my-plugin", ResourceOverrides.NONE, "users");

        assertThat(dashed.guard("INSERT INTO users (id) VALUES (?)").sql())
                .isEqualTo("INSERT INTO \"my-plugin_users\" (id) VALUES (?)");
    }

    @Test
    void nameMapsApplyBeforePrefixing() {
        SqlTableGuard mapped = guardFor("crm",
                ResourceOverrides.builder().tableNameMap(Map.of("notes", "shared_notes")).build(), "notes");

        assertThat(mapped.guard("DELETE FROM notes WHERE id = 1").sql())
                .isEqualTo("DELETE FROM \"crm_shared_notes\" notes WHERE id = 1");
    }

    @Test
    void cteNamesAreNotTablesButOnlyWhereTheyAreInScope() {
        assertThat(guard.guard("WITH recent AS (SELECT * FROM notes) SELECT * FROM recent").sql())
                .isEqualTo("WITH recent AS (SELECT * FROM \"crm_notes\" notes) SELECT * FROM recent");
        assertThatThrownBy(() -> guard.guard("WITH a AS (SELECT * FROM recent), recent AS (SELECT 1) SELECT * FROM a"))
                .hasMessageContaining("has not declared table 'recent'");
    }

    @Test
    void ddlTargetsAndForeignKeysAreRewrittenAndIndexesPrefixed() {
        assertThat(guard.guard("CREATE TABLE note_tags (note_id INTEGER REFERENCES notes (id))").sql())
                .isEqualTo("CREATE TABLE \"crm_note_tags\" (note_id INTEGER REFERENCES \"crm_notes\"(id))");
        assertThat(guard.guard("CREATE INDEX by_body ON notes (body)").sql())
                .isEqualTo("CREATE INDEX \"crm_by_body\" ON \"crm_notes\" (body)");
        assertThat(guard.guard("DROP INDEX by_body").sql()).isEqualTo("DROP INDEX \"crm_by_body\"");
    }

    @Test
    void queriesAndReturningClausesAreMarkedAsReturningRows() {
        assertThat(guard.guard("SELECT 1").returnsRows()).isTrue();
        assertThat(guard.guard("DELETE FROM notes RETURNING id").returnsRows()).isTrue();
        assertThat(guard.guard("DELETE FROM notes").returnsRows()).isFalse();
        assertThat(guard.guard("CREATE TABLE notes (id INTEGER)").returnsRows()).isFalse();
    }

    @Test
    void refusalsSayWhatAndWhyAndNameTheAllowedTables() {
        assertThatThrownBy(() -> guard.guard("SELECT * FROM secret"))
                .hasMessage("plugin 'crm' has not declared table 'secret'; allowed: [notes, note_tags]");
        assertThatThrownBy(() -> guard.guard("SELECT 1; SELECT 2"))
                .hasMessage("plugin 'crm': statement refused: it contains 2 statements; run exactly one statement"
                        + " per call");
        assertThatThrownBy(() -> guard.guard("SELECT pg_read_file('/etc/passwd')"))
                .hasMessageContaining("calls 'pg_read_file', which plugins may not use");
        assertThatThrownBy(() -> guard.guard("SET ROLE postgres"))
                .hasMessageContaining("statement refused");
        assertThatThrownBy(() -> guard.guard("SELECT * FROM public.notes"))
                .hasMessageContaining("names a schema or database ('public.notes')");
    }

    @Test
    void numberedPlaceholdersBecomeJdbcPlaceholdersInTextOrder() {
        GuardedSql guarded = guard.guard("SELECT id FROM notes WHERE body = $2 AND id > $1 OR id = $2");

        assertThat(guarded.sql()).isEqualTo("SELECT id FROM \"crm_notes\" notes WHERE body = ? AND id > ? OR id = ?");
        assertThat(guarded.parameterOrder()).containsExactly(2, 1, 2);
        assertThat(guarded.bind(new Object[] {10, "x"})).containsExactly("x", 10, "x");
        assertThatThrownBy(() -> guarded.bind(new Object[] {10})).hasMessage("the statement uses $1 to $2; 1 parameter(s)"
                + " given");
    }

    @Test
    void placeholderKindsCannotBeMixedAndNamedOnesAreRefused() {
        assertThatThrownBy(() -> guard.guard("SELECT id FROM notes WHERE id = ? AND body = $1"))
                .hasMessageContaining("mixes ? and $n placeholders");
        assertThatThrownBy(() -> guard.guard("SELECT id FROM notes WHERE id = :id"))
                .hasMessageContaining("named parameter ':id'");
    }

    @Test
    void aRepeatedStatementComesFromTheCache() {
        GuardedSql first = guard.guard("SELECT * FROM notes WHERE id = ?");

        assertThat(guard.guard("SELECT * FROM notes WHERE id = ?")).isSameAs(first);
    }
}
