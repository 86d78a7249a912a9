package io.pluginhost.resource.database;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.TableAccessDeniedException;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.util.TablesNamesFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
        return new SqlTableGuard(plugin, EffectiveResources.of(descriptor, overrides).tables(), SqlDialect.POSTGRESQL,
                PARSER, Duration.ofSeconds(5));
    }

    private final SqlTableGuard guard = guardFor("crm", ResourceOverrides.NONE, "notes", "note_tags");

    @AfterAll
    static void stopParser() {
        PARSER.shutdownNow();
    }

    /** The first corpus, and the attack of 2026-11 by class (hostile.sql). */
    static List<String> adversarial() {
        List<String> all = new ArrayList<>(SqlCorpus.read("adversarial.sql"));
        all.addAll(SqlCorpus.read("hostile.sql"));
        return all;
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
        String parsable = Objects.requireNonNullElse(SqlLexer.withoutTruncateIdentity(rewritten), rewritten);

        // Every name left is the plugin's own: its tables, or (DROP INDEX) its prefixed index.
        assertThat(TablesNamesFinder.findTables(parsable)).as(rewritten).allMatch(name -> name.startsWith("\"crm_"));
    }

    /**
     * What a plugin must not reach, written where a value or a name may stand. Each call has a denied
     * call for its argument, so that a parser reading the outer name as a name still meets a call.
     */
    private static final List<String> DENIED = List.of("pg_sleep(pg_backend_pid())",
            "current_setting(version())", "(SELECT body FROM \"other-plugin_secret\")",
            "pg_relation_size('\"other-plugin_secret\"', 'main')");
    /** Clauses that take an expression, written before one ({@code %s}) where a parser may read a name. */
    private static final List<String> CLAUSES = List.of("SELECT LIMIT %s", "SELECT FIRST %s", "SELECT SKIP %s",
            "SELECT TOP %s id FROM notes", "SELECT ALL %s", "SELECT DISTINCT %s", "SELECT OFFSET %s",
            "SELECT id FROM notes LIMIT %s", "SELECT id FROM notes OFFSET %s", "SELECT id FROM notes FETCH FIRST %s",
            "SELECT id FROM notes ORDER BY %s", "SELECT id FROM notes GROUP BY %s", "SELECT id FROM notes HAVING %s",
            "SELECT row_number() OVER (ORDER BY %s) FROM notes", "SELECT count(*) FILTER (WHERE %s) FROM notes",
            "SELECT CASE WHEN %s THEN 1 END FROM notes", "SELECT body COLLATE %s FROM notes",
            "SELECT INTERVAL %s", "SELECT ARRAY[%s]", "SELECT ROW(%s)", "SELECT CAST(%s AS text)", "SELECT %s::text",
            "SELECT id FROM notes WHERE id IN (%s)", "SELECT id FROM notes WHERE EXISTS %s",
            "SELECT * FROM %s", "SELECT * FROM notes, LATERAL %s", "SELECT * FROM notes JOIN %s ON true",
            "DELETE FROM notes WHERE %s", "UPDATE notes SET body = %s", "INSERT INTO notes VALUES (%s)",
            "INSERT INTO notes VALUES (1) RETURNING %s",
            "INSERT INTO notes VALUES (1) ON CONFLICT DO UPDATE SET id = %s",
            "CREATE INDEX notes_x ON notes (%s)", "CREATE INDEX notes_x ON notes (body) WHERE %s",
            "CREATE TABLE notes (id INTEGER DEFAULT %s)", "CREATE TABLE notes (id INTEGER CHECK (%s))",
            "ALTER TABLE notes ALTER COLUMN body SET DEFAULT %s", "ALTER TABLE notes ADD CONSTRAINT c CHECK (%s)",
            "ALTER TABLE notes ALTER COLUMN body TYPE text USING %s");
    private static final Pattern TOKEN = Pattern.compile(
            "/\\*.*?\\*/|--[^\\n]*|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_]*|\\d+|\\?");
    /** PostgreSQL's operators and operator-like keywords, which JSqlParser reads in many node kinds. */
    private static final List<String> OPERATORS = List.of("->", "->>", "#>", "#>>", "@>", "<@", "?|", "?&", "||",
            "-", "#-", "@?", "@@", "=", "<>", "!=", "<", ">", "<=", ">=", "+", "*", "/", "%", "^", "|", "&", "#", "<<",
            ">>", "~", "~*", "!~", "!~*", "~~", "!~~", "&&", "<->", "@-@", "##", "?#", "?-|", "~=", "&<", "&>", "-|-",
            "::", "IS DISTINCT FROM", "LIKE", "ILIKE", "SIMILAR TO", "IN", "= ANY", "= ALL", "OVERLAPS",
            "AT TIME ZONE", "COLLATE", "AND", "OR", "IS", "BETWEEN 1 AND", "REGEXP", "MEMBER OF", "DIV", ":=", "=>");

    /**
     * The class of hole the corpora found one at a time: a part of a statement that JSqlParser keeps
     * where the audit does not look (a map entry, text it writes back as it came). Every literal,
     * placeholder and name of every legitimate statement is replaced in turn by a denied call or a
     * subquery on an undeclared table, each clause that takes an expression is given one, and each
     * operator is tried with one as its operand; the guard must refuse every result. Comments are left
     * alone: what they hold never reaches the database.
     */
    @ParameterizedTest
    @EnumSource(SqlDialect.class)
    void aDeniedCallOrTableInPlaceOfAnyValueOrNameIsRefused(SqlDialect dialect) {
        SqlTableGuard guard = new SqlTableGuard("crm", this.guard.tablesForTest(), dialect, PARSER,
                Duration.ofSeconds(5));
        List<String> statements = new ArrayList<>();
        for (String sql : Stream.of("legit.sql", "confined.sql").flatMap(name ->
                SqlCorpus.read(name).stream()).toList()) {
            Matcher token = TOKEN.matcher(sql);
            while (token.find()) {
                if (!token.group().startsWith("/*") && !token.group().startsWith("--")) {
                    for (String denied : DENIED) {
                        statements.add(sql.substring(0, token.start()) + denied + sql.substring(token.end()));
                    }
                }
            }
        }
        for (String clause : CLAUSES) {
            for (String denied : DENIED) {
                statements.add(clause.formatted(denied));
            }
        }
        for (String operator : OPERATORS) {
            for (String denied : DENIED) {
                statements.add("SELECT body " + operator + " " + denied + " FROM notes");
                statements.add("SELECT " + denied + " " + operator + " body FROM notes");
                statements.add("SELECT body::jsonb " + operator + " " + denied + " FROM notes");
                statements.add("SELECT * FROM notes WHERE body " + operator + " " + denied);
            }
        }
        List<String> accepted = new ArrayList<>();
        for (String sql : statements) {
            try {
                accepted.add(sql + "  =>  " + guard.guard(sql).sql());
            } catch (TableAccessDeniedException expected) {
                // refused, as it must be
            }
        }
        assertThat(statements).hasSizeGreaterThan(4_000);
        assertThat(accepted).as("accepted, with what would run").isEmpty();
    }

    @Test
    void theCorporaAreAsLargeAsPromised() throws Exception {
        assertThat(adversarial()).hasSizeGreaterThanOrEqualTo(250);
        assertThat(legit()).hasSizeGreaterThanOrEqualTo(50);
        // hostile.sql: at least 20 statements for each class of the attack
        Map<String, Integer> perClass = new LinkedHashMap<>();
        String section = null;
        try (var in = getClass().getResourceAsStream("/sql/hostile.sql")) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("# --- ")) {
                    section = line;
                } else if (section != null && !line.isBlank() && !line.startsWith("#")) {
                    perClass.merge(section, 1, Integer::sum);
                }
            }
        }
        assertThat(perClass).hasSize(5).allSatisfy((name, count) -> assertThat(count).as(name).isGreaterThanOrEqualTo(20));
    }

    /**
     * jsonb's {@code ?}, {@code ?|} and {@code ?&} operators: JSqlParser reads an operator, the JDBC
     * driver a placeholder, so the statement failed at run time with the driver's "No value specified
     * for parameter 1" (or took the plugin's parameter for the operator's).
     */
    @Test
    void aQuestionMarkThatIsNotAPlaceholderIsRefusedWithAHint() throws Exception {
        for (String sql : List.of("SELECT body::jsonb ? 'a' FROM notes",
                "SELECT id FROM notes WHERE body::jsonb ?| ARRAY['a', 'b']",
                "SELECT id FROM notes WHERE body::jsonb ?& ARRAY['a'] AND id = ?")) {
            assertThatThrownBy(() -> guard.guard(sql)).as(sql).isInstanceOf(TableAccessDeniedException.class)
                    .hasMessageContaining("JDBC reads as a placeholder").hasMessageContaining("@>");
        }
        assertThat(guard.guard("SELECT id FROM notes WHERE body = '?' AND \"id\" = ? AND id < ?").parameterCount())
                .isEqualTo(2);
    }

    /**
     * jsonb's {@code #-} (delete a path) is one operator to PostgreSQL, which reads a run of operator
     * characters holding a {@code #} as one operator; JSqlParser reads {@code #} and a minus sign, and the
     * guard sent {@code # -'{a}'}, which PostgreSQL rejects. A {@code #} followed by a space and a minus
     * sign is {@code #} of a negative operand to both, and stays so.
     */
    @Test
    void jsonbsDeletePathOperatorReachesTheDatabaseAsWritten() {
        assertThat(guard.guard("SELECT body::jsonb #- '{a,b}' FROM notes").sql())
                .isEqualTo("SELECT body::jsonb #- '{a,b}' FROM \"crm_notes\" notes");
        assertThat(guard.guard("UPDATE notes SET body = (body::jsonb #-ARRAY[$1] #- '{b}')::text WHERE id = $2")
                .sql()).contains("(body::jsonb #- ARRAY[?] #- '{b}')::text");
        assertThat(guard.guard("SELECT (body::jsonb)#-'{a}' FROM notes").sql()).contains("(body::jsonb) #- '{a}'");
        assertThat(guard.guard("SELECT id # -1 FROM notes WHERE body = '#-' /* #- */").sql())
                .contains("id # -1").contains("'#-'");
        assertThat(guard.guard("SELECT id # - 1, id #--comment\n2 FROM notes").sql()).contains("id # -1, id # 2");
        assertThat(guard.guard("SELECT id # (-1), body::jsonb #- '{a}' FROM notes").sql())
                .contains("id # (-1), body::jsonb #- '{a}'");
        assertThatThrownBy(() -> guard.guard("SELECT id # -1, body::jsonb #- '{a}' FROM notes"))
                .isInstanceOf(TableAccessDeniedException.class).hasMessageContaining("# (-");
    }

    @Test
    void anUpsertNamesItsConstraintByTheNameTheGuardGaveIt() throws Exception {
        assertThat(guard.guard("ALTER TABLE notes ADD CONSTRAINT notes_uq UNIQUE (id)").sql())
                .contains("CONSTRAINT \"crm_notes_uq\"");
        assertThat(guard.guard("INSERT INTO notes VALUES (1) ON CONFLICT ON CONSTRAINT notes_uq DO NOTHING").sql())
                .contains("ON CONFLICT ON CONSTRAINT \"crm_notes_uq\" DO NOTHING");
        assertThatThrownBy(() -> guard.guard("INSERT INTO notes VALUES (1) ON CONFLICT ON CONSTRAINT \"Other\""
                + " DO NOTHING")).isInstanceOf(TableAccessDeniedException.class)
                .hasMessageContaining("names a constraint '\"Other\"' that cannot be prefixed");
    }

    @Test
    void anIdentityColumnCannotNameItsSequence() {
        for (String sql : List.of(
                "CREATE TABLE notes (id BIGINT GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME secret_seq))",
                "CREATE TABLE notes (id BIGINT GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME notes_seq))",
                "CREATE TABLE notes (id BIGINT GENERATED ALWAYS AS IDENTITY (sequence name \"other-plugin_seq\"))")) {
            assertThatThrownBy(() -> guard.guard(sql)).as(sql).isInstanceOf(TableAccessDeniedException.class)
                    .hasMessageContaining("names the sequence of an identity column");
        }
    }

    @Test
    void aDollarQuotedDefaultThatHidLiveCodeIsRefused() {
        assertThatThrownBy(() -> guard.guard("ALTER TABLE notes ADD COLUMN w text DEFAULT $a$'$a$ || current_user"
                + " || $a$'$a$")).isInstanceOf(TableAccessDeniedException.class)
                .hasMessageContaining("dollar-quoted strings are not accepted");
        assertThatThrownBy(() -> guard.guard("SELECT regclass 'secret'"))
                .hasMessageContaining("a string prefix or typed literal the guard does not accept");
        assertThatThrownBy(() -> guard.guard("SELECT 'a\\''' FROM notes"))
                .hasMessageContaining("backslash before a quote");
        assertThatThrownBy(() -> guard.guard("SELECT /* a /* b */ c */ 1 FROM notes"))
                .hasMessageContaining("nested comment");
    }

    @Test
    void castsReachOnlyScalarTypes() {
        assertThat(guard.guard("SELECT CAST(id AS varchar(20)), body::text, id::numeric(10, 2) FROM notes").sql())
                .contains("CAST(id AS varchar (20))");
        assertThatThrownBy(() -> guard.guard("SELECT id::oid::regclass FROM notes")).hasMessageContaining("'regclass'");
        assertThatThrownBy(() -> guard.guard("SELECT json_populate_record(NULL::secret, '{}')"))
                .isInstanceOf(TableAccessDeniedException.class);
    }

    @Test
    void constraintAndIndexNamesArePrefixedLikeTables() {
        assertThat(guard.guard("ALTER TABLE notes ADD CONSTRAINT notes_uq UNIQUE (id)").sql())
                .contains("CONSTRAINT \"crm_notes_uq\" UNIQUE");
        assertThat(guard.guard("CREATE TABLE notes (id INTEGER, CONSTRAINT pk PRIMARY KEY (id))").sql())
                .contains("CONSTRAINT \"crm_pk\" PRIMARY KEY");
        assertThat(guard.guard("CREATE TABLE notes (id INTEGER CONSTRAINT positive CHECK (id > 0))").sql())
                .contains("CONSTRAINT \"crm_positive\" CHECK");
        assertThat(guard.guard("ALTER TABLE notes DROP CONSTRAINT notes_uq").sql()).contains("\"crm_notes_uq\"");
        assertThat(guard.guard("CREATE INDEX b_users ON notes (id)").sql()).contains("\"crm_b_users\"");
    }

    @Test
    void sequencesAreThePluginsOwnByDeclaredName() {
        assertThat(guard.guard("SELECT nextval('notes')").sql()).isEqualTo("SELECT nextval('\"crm_notes\"')");
        assertThat(guard.guard("CREATE TABLE note_tags (id INTEGER DEFAULT nextval('notes'))").sql())
                .contains("nextval('\"crm_notes\"')");
        assertThatThrownBy(() -> guard.guard("SELECT nextval('other_seq')"))
                .isInstanceOf(TableAccessDeniedException.class).hasMessageContaining("other_seq");
        SqlTableGuard h2 = new SqlTableGuard("crm", guard.tablesForTest(), SqlDialect.H2, PARSER, Duration.ofSeconds(5),
                "PUBLIC");
        assertThat(h2.guard("SELECT nextval('notes')").sql()).as("qualified, where H2 finds it")
                .isEqualTo("SELECT nextval('\"PUBLIC\".\"crm_notes\"')");
    }

    @Test
    void aPluginCreatesAltersAndDropsSequencesOfItsDeclaredNamesWithNumericOptionsOnly() {
        assertThat(guard.guard("CREATE SEQUENCE notes START WITH 5 INCREMENT BY 2 MINVALUE 1 MAXVALUE 100 CYCLE CACHE"
                + " 10").sql()).isEqualTo("CREATE SEQUENCE \"crm_notes\" START WITH 5 INCREMENT BY 2 MINVALUE 1"
                + " MAXVALUE 100 CYCLE CACHE 10");
        assertThat(guard.guard("CREATE SEQUENCE Note_Tags AS BIGINT NO MINVALUE NO MAXVALUE NO CYCLE").sql())
                .isEqualTo("CREATE SEQUENCE \"crm_note_tags\" AS BIGINT NO MINVALUE NO MAXVALUE NO CYCLE");
        assertThat(guard.guard("ALTER SEQUENCE notes RESTART WITH 1").sql())
                .isEqualTo("ALTER SEQUENCE \"crm_notes\" RESTART WITH 1");
        assertThat(guard.guard("DROP SEQUENCE IF EXISTS notes, note_tags CASCADE").sql())
                .isEqualTo("DROP SEQUENCE IF EXISTS \"crm_notes\", \"crm_note_tags\" CASCADE");

        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("CREATE SEQUENCE other_seq", "other_seq");
        refused.put("CREATE SEQUENCE public.notes", "names a schema ('public.notes')");
        refused.put("CREATE SEQUENCE notes OWNED BY notes.id", "OWNED BY");
        refused.put("CREATE SEQUENCE notes AS regclass", "of type regclass");
        refused.put("CREATE SEQUENCE notes KEEP", "the option KEEP");
        refused.put("CREATE SEQUENCE notes NOCACHE", "the option NOCACHE");
        refused.put("CREATE SEQUENCE notes RESTART WITH 3", "the option RESTART WITH 3");
        refused.put("ALTER SEQUENCE secret RESTART", "secret");
        refused.put("ALTER SEQUENCE notes OWNED BY NONE", "OWNED BY");
        refused.put("DROP SEQUENCE notes, secret", "secret");
        refused.put("DROP SEQUENCE pg_catalog.notes", "names a schema ('pg_catalog.notes')");
        refused.put("DROP SEQUENCE notes ON secret", "only CASCADE or RESTRICT may follow");
        assertRefused(refused);
    }

    /**
     * A plugin that makes its sequence in {@code initialize} makes it again at every load: PostgreSQL and H2
     * read {@code CREATE SEQUENCE IF NOT EXISTS} (and {@code ALTER SEQUENCE IF EXISTS}), JSqlParser 5.4 does
     * not, so they were refused as unparsable.
     */
    @Test
    void aSequenceMayBeCreatedIfItDoesNotExist() {
        assertThat(guard.guard("CREATE SEQUENCE IF NOT EXISTS notes START WITH 5").sql())
                .isEqualTo("CREATE SEQUENCE IF NOT EXISTS \"crm_notes\" START WITH 5");
        assertThat(guard.guard("alter sequence if exists notes restart with 1").sql())
                .isEqualTo("ALTER SEQUENCE IF EXISTS \"crm_notes\" RESTART WITH 1");
        assertThat(guard.guard("create /* once */ sequence\nif not  Exists Note_Tags").sql())
                .isEqualTo("CREATE SEQUENCE IF NOT EXISTS \"crm_note_tags\"");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("CREATE SEQUENCE IF NOT EXISTS other_seq", "other_seq");
        refused.put("CREATE SEQUENCE IF NOT EXISTS public.notes", "names a schema ('public.notes')");
        refused.put("CREATE SEQUENCE IF NOT EXISTS notes OWNED BY notes.id", "OWNED BY");
        refused.put("CREATE SEQUENCE IF NOT EXISTS IF NOT EXISTS notes", "cannot be parsed");
        refused.put("CREATE SEQUENCE IF NOT EXISTS notes; DROP TABLE notes", "2 statements");
        refused.put("CREATE SEQUENCE \"IF\" NOT EXISTS notes", "cannot be parsed");
        refused.put("ALTER SEQUENCE IF EXISTS secret RESTART", "secret");
        refused.put("ALTER SEQUENCE IF EXISTS notes OWNED BY NONE", "OWNED BY");
        refused.put("ALTER SEQUENCE IF NOT EXISTS notes RESTART", "cannot be parsed");
        refused.put("ALTER SEQUENCE IF EXISTS IF EXISTS notes RESTART", "cannot be parsed");
        assertRefused(refused);
    }

    /**
     * A plugin that empties its tables and starts their identity columns again writes
     * {@code TRUNCATE ... RESTART IDENTITY}, which PostgreSQL and H2 read and JSqlParser 5.4 does not: it was
     * refused as unparsable. The guard parses it without the two words and puts them back after the tables.
     */
    @Test
    void aTruncateMayRestartOrContinueItsTablesIdentity() {
        assertThat(guard.guard("TRUNCATE notes RESTART IDENTITY").sql())
                .isEqualTo("TRUNCATE \"crm_notes\" RESTART IDENTITY");
        assertThat(guard.guard("truncate table Notes, \"note_tags\" continue /* as before */ identity\ncascade;")
                .sql()).isEqualTo("TRUNCATE TABLE \"crm_notes\", \"crm_note_tags\" CONTINUE IDENTITY CASCADE");
        assertThat(guard.guard("TRUNCATE ONLY notes RESTART IDENTITY CASCADE").sql())
                .isEqualTo("TRUNCATE ONLY \"crm_notes\" RESTART IDENTITY CASCADE");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("TRUNCATE secret RESTART IDENTITY", "secret");
        refused.put("TRUNCATE public.notes RESTART IDENTITY", "names a schema");
        refused.put("TRUNCATE RESTART IDENTITY notes", "cannot be parsed");
        refused.put("TRUNCATE TABLE RESTART IDENTITY", "cannot be parsed");
        refused.put("TRUNCATE notes RESTART IDENTITY RESTRICT", "cannot be parsed");
        refused.put("TRUNCATE notes RESTART IDENTITY; DROP TABLE note_tags", "cannot be parsed");
        refused.put("TRUNCATE notes; SELECT 1 RESTART IDENTITY", "2 statements");
        refused.put("TRUNCATE notes \"restart\" identity", "cannot be parsed");
        refused.put("SELECT * FROM notes RESTART IDENTITY", "cannot be parsed");
        assertRefused(refused);
    }

    /**
     * {@code ANY}, {@code SOME} and {@code ALL} are key words both databases reserve: {@code ANY(x)} can only be
     * the comparison with each element of an array (JSqlParser reads it as a call). What is compared is
     * audited as anywhere else; a quoted {@code "any"(x)} is a call of a function of that name.
     */
    @Test
    void anArrayComparisonIsNotACallOfAFunctionNamedAny() {
        assertThat(guard.guard("SELECT id FROM notes WHERE id = ANY($2) AND body NOT LIKE ALL($1::text[])").sql())
                .endsWith("WHERE id = ANY(?) AND body NOT LIKE ALL(?::text[])");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("SELECT id FROM notes WHERE id = ANY(SELECT id FROM secret)", "secret");
        refused.put("SELECT id FROM notes WHERE id = ANY(ARRAY[pg_backend_pid()])", "pg_backend_pid");
        refused.put("SELECT id FROM notes WHERE id = \"any\"(?)", "\"any\"");
        refused.put("SELECT id FROM notes WHERE id = ANY(?, ?)", "ANY");
        assertRefused(refused);
    }

    /**
     * A function in FROM is a call JSqlParser wraps in a nameless one of its own, which the guard refused as
     * "a function the guard cannot name". The call inside is checked as any other.
     */
    @Test
    void aFunctionInFromIsCheckedAsTheCallItWraps() {
        assertThat(guard.guard("SELECT n.id, t.tag FROM notes n CROSS JOIN LATERAL unnest(string_to_array(n.body,"
                + " ',')) WITH ORDINALITY AS t(tag, place)").sql()).endsWith("CROSS JOIN LATERAL unnest("
                + "string_to_array(n.body, ',')) WITH ORDINALITY AS t(tag, place)");
        assertThat(guard.guard("INSERT INTO notes (id, body) SELECT * FROM unnest($1::int[], $2::text[])").sql())
                .endsWith("SELECT * FROM unnest(?::int[], ?::text[])");
        assertThat(guard.guard("SELECT * FROM ROWS FROM (generate_series(1, 2), unnest(ARRAY['a'])) AS r(n, s)")
                .sql()).endsWith("FROM ROWS FROM (generate_series(1, 2), unnest(ARRAY['a'])) AS r(n, s)");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("SELECT * FROM pg_ls_dir('.')", "pg_ls_dir");
        refused.put("SELECT * FROM notes n, LATERAL generate_series(1, (SELECT count(*) FROM secret)) g", "secret");
        refused.put("SELECT * FROM ROWS FROM (unnest(ARRAY[1]), pg_stat_file('x')) AS r(a, b)", "pg_stat_file");
        refused.put("SELECT * FROM generate_series(1, 3) WITH OFFSET x", "a form the guard does not accept");
        refused.put("SELECT * FROM TABLE(unnest(ARRAY[1]))", "TABLE");
        refused.put("SELECT * FROM unnest(ARRAY[1]) AS r(a regclass)", "regclass");
        assertRefused(refused);
    }

    /**
     * JSqlParser writes some nodes back with their own {@code toString}, not through a visitor (a JSON
     * operator's operand, {@code IS DISTINCT FROM}, a window frame, {@code ON CONFLICT ... WHERE}): a {@code $n}
     * there reached JDBC as {@code $n} while the others became {@code ?}, which the driver numbers again, so a
     * value went to the wrong place ({@code ->> $1} took the plugin's second parameter) or the database refused.
     */
    @Test
    void numberedPlaceholdersBecomeQuestionMarksWhereverJSqlParserWritesThem() {
        Map<String, List<Integer>> orders = new LinkedHashMap<>();
        orders.put("SELECT id FROM notes WHERE id = $2 AND body::jsonb ->> $1 = 'v' AND body::jsonb -> $3 IS NULL",
                List.of(2, 1, 3));
        orders.put("SELECT id FROM notes WHERE body::jsonb #> $2 IS NOT NULL AND body IS DISTINCT FROM $1",
                List.of(2, 1));
        orders.put("SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN $2 PRECEDING AND CURRENT ROW) FROM notes"
                + " WHERE body = $1", List.of(2, 1));
        orders.put("INSERT INTO notes (id) VALUES ($1) ON CONFLICT (id) WHERE id > $2 DO UPDATE SET body = $3"
                + " WHERE notes.id < $2", List.of(1, 2, 3, 2));
        orders.put("SELECT * FROM unnest($2::int[]) WITH ORDINALITY AS u(x, i) WHERE x = ?1", List.of(2, 1));
        orders.forEach((sql, order) -> {
            GuardedSql guarded = guard.guard(sql);
            assertThat(guarded.sql()).as(sql).doesNotContain("$").doesNotContain("?1");
            assertThat(guarded.parameterOrder()).as(sql).isEqualTo(order);
        });
        assertThat(guard.guard("SELECT body FROM notes WHERE body = '$1' AND id = $1").sql())
                .endsWith("WHERE body = '$1' AND id = ?");
        assertThatThrownBy(() -> guard.guard("SELECT id FROM notes WHERE id = :1"))
                .isInstanceOf(TableAccessDeniedException.class).hasMessageContaining("':1'");
        assertThatThrownBy(() -> guard.guard("SELECT id FROM notes WHERE id = $0"))
                .isInstanceOf(TableAccessDeniedException.class).hasMessageContaining("numbered from $1");
    }

    /**
     * {@code FOR UPDATE OF n ... SKIP LOCKED} is how a plugin takes the next job of a queue without locking the
     * rows it joins: it names FROM items of its own SELECT, not tables, and was refused as a table reference the
     * guard could not check. The rewrite keeps a table's logical name as its alias, which the clause names.
     */
    @Test
    void aLockingClauseNamesFromItemsOfItsOwnSelect() {
        assertThat(guard.guard("SELECT id FROM notes WHERE id > ? ORDER BY id LIMIT 1 FOR UPDATE OF notes SKIP LOCKED")
                .sql()).isEqualTo("SELECT id FROM \"crm_notes\" notes WHERE id > ? ORDER BY id LIMIT 1"
                + " FOR UPDATE OF notes SKIP LOCKED");
        assertThat(guard.guard("SELECT n.id FROM notes n JOIN note_tags \"T\" ON \"T\".note_id = n.id"
                + " FOR NO KEY UPDATE OF n, \"T\" NOWAIT").sql()).isEqualTo("SELECT n.id FROM \"crm_notes\" n"
                + " JOIN \"crm_note_tags\" \"T\" ON \"T\".note_id = n.id FOR NO KEY UPDATE OF n, \"T\" NOWAIT");
        assertThat(guard.guard("UPDATE notes SET body = 'taken' WHERE id = (SELECT q.id FROM notes q"
                + " WHERE q.body = 'new' LIMIT 1 FOR UPDATE OF q SKIP LOCKED) RETURNING id").sql())
                .isEqualTo("UPDATE \"crm_notes\" notes SET body = 'taken' WHERE id = (SELECT q.id FROM"
                        + " \"crm_notes\" q WHERE q.body = 'new' LIMIT 1 FOR UPDATE OF q SKIP LOCKED) RETURNING id");
        assertThat(guard.guard("SELECT s.id FROM (SELECT id FROM notes) s FOR SHARE OF S").sql())
                .isEqualTo("SELECT s.id FROM (SELECT id FROM \"crm_notes\" notes) s FOR SHARE OF S");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("SELECT id FROM notes FOR UPDATE OF secret", "'secret', which is not a FROM item");
        refused.put("SELECT id FROM notes n FOR UPDATE OF notes", "'notes', which is not a FROM item");
        refused.put("SELECT id FROM notes FOR UPDATE OF public.notes", "'public.notes', which is not a FROM item");
        refused.put("SELECT id FROM notes FOR UPDATE OF \"Notes\"", "not a FROM item");
        refused.put("SELECT id FROM notes WHERE id IN (SELECT note_id FROM note_tags) FOR UPDATE OF note_tags",
                "'note_tags', which is not a FROM item");
        assertRefused(refused);
    }

    /** Each statement (key) is refused for a reason that names its value. */
    private void assertRefused(Map<String, String> refused) {
        refused.forEach((sql, why) -> assertThatThrownBy(() -> guard.guard(sql)).as(sql)
                .isInstanceOf(TableAccessDeniedException.class).hasMessageStartingWith("plugin 'crm'")
                .hasMessageContaining(why));
    }

    @Test
    void onlyPlainQueriesAreReadOnly() {
        assertThat(guard.guard("SELECT id FROM notes").readOnly()).isTrue();
        assertThat(guard.guard("WITH recent AS (SELECT id FROM notes) SELECT id FROM recent").readOnly()).isTrue();
        assertThat(guard.guard("WITH gone AS (DELETE FROM notes RETURNING id) SELECT id FROM gone").readOnly())
                .isFalse();
        assertThat(guard.guard("INSERT INTO notes (id) VALUES (1) RETURNING id").readOnly()).isFalse();
        assertThat(guard.guard("CREATE TABLE notes (id INTEGER)").readOnly()).isFalse();
    }

    @Test
    void functionsAreAllowedPerDialect() {
        SqlTableGuard h2 = new SqlTableGuard("crm", guardFor("crm", ResourceOverrides.NONE, "notes").tablesForTest(),
                SqlDialect.H2, PARSER, Duration.ofSeconds(5));
        assertThat(guard.guard("SELECT jsonb_build_object('id', id) FROM notes").sql()).contains("jsonb_build_object");
        assertThatThrownBy(() -> h2.guard("SELECT jsonb_build_object('id', id) FROM notes"))
                .hasMessageContaining("not among the H2 functions");
        assertThat(h2.guard("SELECT ifnull(body, '') FROM notes").sql()).contains("ifnull");
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
                .hasMessageContaining("calls 'pg_read_file', which is not among the POSTGRESQL functions plugins may use");
        assertThatThrownBy(() -> guard.guard("SET ROLE postgres"))
                .hasMessageContaining("statement refused");
        assertThatThrownBy(() -> guard.guard("SELECT * FROM public.notes"))
                .hasMessageContaining("names a schema or database ('public.notes')");
    }

    /** A statement of only semicolons, spaces and comments was refused with JSqlParser's parse error. */
    @Test
    void aStatementWithNothingButSemicolonsAndCommentsIsEmpty() {
        for (String empty : new String[] {"", "  ", ";", " ; ;\n", "-- nothing\n;", "/* nothing */ ;", "\t;/**/;--"}) {
            assertThatThrownBy(() -> guard.guard(empty)).as("'%s'", empty)
                    .hasMessage("plugin 'crm': statement refused: it is empty (nothing but semicolons, spaces or"
                            + " comments)");
        }
        assertThat(guard.guard("SELECT 1;").sql()).isEqualTo("SELECT 1");
        assertThat(guard.guard("; SELECT 1").sql()).as("one statement, sent as the guard wrote it")
                .isEqualTo("SELECT 1");
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
    void aStatementNestedTooDeeplyToCheckIsRefusedSayingSo() {
        // 20,000 ORs (a list a plugin builds from user input) made a StackOverflowError escape the guard.
        for (String sql : new String[] {"SELECT * FROM notes WHERE id = 0" + " OR id = 1".repeat(20_000),
            "SELECT 1" + " + 1".repeat(20_000) + " FROM notes"}) {
            assertThatThrownBy(() -> guard.guard(sql))
                    .isInstanceOf(TableAccessDeniedException.class)
                    .hasMessageStartingWith("plugin 'crm': statement refused: it is nested too deeply for the guard to"
                            + " check")
                    .hasMessageContaining("IN (...)");
        }
        assertThat(guard.guard("SELECT * FROM notes WHERE id = 0" + " OR id = 1".repeat(100)).sql()).contains("OR");
    }

    @Test
    void aStatementTheParserCannotReadInTimeIsRefusedNamingTheTimeout() {
        SqlTableGuard quick = new SqlTableGuard("crm", EffectiveResources.of(new PluginDescriptor("crm", "1", "",
                List.of(), List.of("notes"), List.of(), List.of()), ResourceOverrides.NONE).tables(),
                SqlDialect.POSTGRESQL, PARSER, Duration.ofMillis(100));
        String brackets = "SELECT " + "(".repeat(3000) + "1" + ")".repeat(3000) + " FROM notes";

        assertThatThrownBy(() -> quick.guard(brackets))
                .isInstanceOf(TableAccessDeniedException.class)
                .hasMessageContaining("the parser did not finish it within 100 ms")
                .hasMessageNotContaining("null");
    }

    /** The parser's executor refusing (shut down, or a server that refuses new work) is the host's fault. */
    @Test
    void aParserExecutorThatRefusesTheParseIsTheHostsFaultNotTheStatements() {
        ExecutorService refusing = Executors.newSingleThreadExecutor();
        refusing.shutdown();
        SqlTableGuard guard = new SqlTableGuard("crm", this.guard.tablesForTest(), SqlDialect.POSTGRESQL, refusing,
                Duration.ofSeconds(5));

        assertThatThrownBy(() -> guard.guard("SELECT * FROM notes"))
                .isExactlyInstanceOf(PluginException.class)
                .hasMessageContaining("plugin 'crm'")
                .hasMessageContaining("the host could not run the SQL guard's parser")
                .hasMessageNotContaining("write it another way")
                .hasCauseInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aRepeatedStatementComesFromTheCache() {
        GuardedSql first = guard.guard("SELECT * FROM notes WHERE id = ?");

        assertThat(guard.guard("SELECT * FROM notes WHERE id = ?")).isSameAs(first);
    }
}
