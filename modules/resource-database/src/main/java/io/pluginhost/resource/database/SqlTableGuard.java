package io.pluginhost.resource.database;

import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.TableAccessDeniedException;
import io.pluginhost.runtime.resource.ResourceKind;
import io.pluginhost.runtime.resource.ResourcePolicy;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.UserVariable;
import net.sf.jsqlparser.expression.VariableAssignment;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NumericBind;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Sequence;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.alter.sequence.AlterSequence;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.ForeignKeyIndex;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.select.First;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.Skip;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The SQL guard of one plugin: accepts one statement of an allowed kind that touches only the
 * plugin's tables, and returns it rewritten to physical, quoted names.
 *
 * <p>How it decides, in order: parse with JSqlParser ({@code parseStatements}, on a shared executor so
 * the parse timeout applies); refuse anything but exactly one statement; refuse statement kinds other
 * than SELECT, INSERT, UPDATE, DELETE, CREATE/ALTER/DROP TABLE, CREATE/DROP INDEX, CREATE/ALTER/DROP
 * SEQUENCE and TRUNCATE; rewrite every table reference ({@link TableRewriter}, with CTE scoping),
 * refusing undeclared, schema-qualified and catalog names; then audit the whole syntax tree
 * independently of any visitor ({@link AstAudit}): a table node the rewriter did not handle, or a
 * denied function anywhere, refuses the statement. What runs is the statement re-serialized from the
 * tree, never the plugin's text, so comments and anything the parser skipped never reach the database.
 *
 * <p>Accepted statements are cached (bounded, least recently used first out), so repeating a
 * statement costs a map lookup. Thread-safe.
 */
public final class SqlTableGuard {

    private static final int MAX_CACHED_STATEMENTS = 1024;
    private static final Set<AlterOperation> ALLOWED_ALTERATIONS = EnumSet.of(AlterOperation.ADD,
            AlterOperation.ALTER, AlterOperation.DROP, AlterOperation.MODIFY, AlterOperation.RENAME,
            AlterOperation.DROP_PRIMARY_KEY, AlterOperation.DROP_UNIQUE, AlterOperation.DROP_FOREIGN_KEY,
            AlterOperation.RENAME_CONSTRAINT);
    private static final Set<String> SEQUENCE_FUNCTIONS = Set.of("nextval", "currval", "setval");
    /** Key words both databases reserve, which JSqlParser reads as a function when no subquery follows. */
    private static final Set<String> ARRAY_COMPARISONS = Set.of("any", "some", "all");
    /** How JSqlParser writes a CREATE or ALTER SEQUENCE back, where the guard puts back its IF [NOT] EXISTS. */
    private static final String CREATE_SEQUENCE = "CREATE SEQUENCE ";
    private static final String ALTER_SEQUENCE = "ALTER SEQUENCE ";
    /** How JSqlParser writes a TRUNCATE back, where the guard puts back its RESTART or CONTINUE IDENTITY. */
    private static final String TRUNCATE = "TRUNCATE ";
    private static final String CASCADE = " CASCADE";
    /** The options of CREATE SEQUENCE that PostgreSQL and H2 both read as JSqlParser writes them back. */
    private static final Set<Sequence.ParameterType> SEQUENCE_OPTIONS = EnumSet.of(Sequence.ParameterType.INCREMENT,
            Sequence.ParameterType.INCREMENT_BY, Sequence.ParameterType.START, Sequence.ParameterType.START_WITH,
            Sequence.ParameterType.MINVALUE, Sequence.ParameterType.MAXVALUE, Sequence.ParameterType.NO_MINVALUE,
            Sequence.ParameterType.NO_MAXVALUE, Sequence.ParameterType.CYCLE, Sequence.ParameterType.NO_CYCLE,
            Sequence.ParameterType.CACHE);
    /** A sequence's type ({@code AS bigint}), which JSqlParser keeps as text. */
    private static final Set<String> SEQUENCE_TYPES = Set.of("smallint", "integer", "int", "bigint", "int2", "int4",
            "int8");
    /** Functions that pad a string to a length; see {@link #checkPaddedLength}. */
    private static final Set<String> PADDING_FUNCTIONS = Set.of("lpad", "rpad");
    private static final long MAX_PADDED_LENGTH = 10_000;
    /**
     * Reserved words JSqlParser reads as a column and PostgreSQL as the value they name: the same meaning.
     * The session's values ({@link SqlDialect#isSessionValue}) are read so too, and refused as such.
     */
    private static final Set<String> VALUE_WORDS = Set.of("true", "false", "null", "default", "current_date",
            "current_time", "current_timestamp", "localtime", "localtimestamp");
    private static final Set<String> ALLOWED_CREATE_OPTIONS = Set.of("TEMP", "TEMPORARY", "UNLOGGED", "LOCAL",
            "GLOBAL");

    private final String pluginName;
    private final ResourcePolicy tables;
    private final SqlDialect dialect;
    private final ExecutorService parserExecutor;
    private final long parseTimeoutMillis;
    /** The quoted schema and a dot before a sequence's name in text, or nothing; see the constructor. */
    private final String sequenceQualifier;
    private final Map<String, GuardedSql> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, GuardedSql> eldest) {
            return size() > MAX_CACHED_STATEMENTS;
        }
    };

    /**
     * @param pluginName     the plugin
     * @param tables         its tables in effect
     * @param dialect        the database the statements run on: which functions and types exist
     * @param parserExecutor runs parses, so a pathological statement times out (shared by all guards)
     * @param parseTimeout   how long one parse may take
     */
    public SqlTableGuard(String pluginName, ResourcePolicy tables, SqlDialect dialect, ExecutorService parserExecutor,
                         Duration parseTimeout) {
        this(pluginName, tables, dialect, parserExecutor, parseTimeout, null);
    }

    /**
     * As {@link #SqlTableGuard(String, ResourcePolicy, SqlDialect, ExecutorService, Duration)}, with the schema
     * the statements run in, which qualifies the sequence names {@code nextval} and its kind read from text:
     * H2 (2.3) finds no sequence of an unqualified quoted name there. {@code null} leaves them unqualified, as
     * PostgreSQL's search path finds them.
     *
     * @param sequenceSchema the schema of the connections the statements run on, or {@code null}
     */
    public SqlTableGuard(String pluginName, ResourcePolicy tables, SqlDialect dialect, ExecutorService parserExecutor,
                         Duration parseTimeout, String sequenceSchema) {
        if (tables.kind() != ResourceKind.TABLE) {
            throw new IllegalArgumentException("a SQL guard needs the table policy, not " + tables.kind());
        }
        this.pluginName = pluginName;
        this.tables = tables;
        this.dialect = dialect;
        this.parserExecutor = parserExecutor;
        this.parseTimeoutMillis = parseTimeout.toMillis();
        this.sequenceQualifier = sequenceSchema == null ? "" : SqlNames.quote(sequenceSchema) + ".";
    }

    /** @return the table policy this guard enforces (tests build a guard for another dialect from it) */
    ResourcePolicy tablesForTest() {
        return tables;
    }

    /**
     * @param sql one statement using logical table names
     * @return the statement to run
     * @throws TableAccessDeniedException saying what was refused and why
     */
    public GuardedSql guard(String sql) {
        synchronized (cache) {
            GuardedSql cached = cache.get(sql);
            if (cached != null) {
                return cached;
            }
        }
        GuardedSql guarded;
        try {
            guarded = rewrite(sql);
        } catch (StackOverflowError deep) { // the rewriter, the audit and the deparser all recurse into the tree
            throw refused("is nested too deeply for the guard to check (a long chain of operators, brackets or set"
                    + " operations); write a long list of values as IN (...)", "");
        } catch (PluginException refusal) {
            throw refusal;
        } catch (RuntimeException unreadable) { // JSqlParser built a tree it cannot walk or write back
            throw refused("could not be read back by the guard (" + unreadable + "); write it another way", "");
        }
        synchronized (cache) {
            cache.put(sql, guarded);
        }
        return guarded;
    }

    private GuardedSql rewrite(String sql) {
        if (sql == null || !SqlLexer.check(sql, this::refused)) {
            throw refused("is empty (nothing but semicolons, spaces or comments)", "");
        }
        String parsable = parsable(sql);
        Statements statements = parse(parsable);
        if (statements.size() != 1) {
            throw refused("contains " + statements.size() + " statements; run exactly one statement per call", sql);
        }
        Statement statement = statements.get(0);
        TableRewriter rewriter = new TableRewriter(pluginName, tables);
        Set<Index> renamed = Collections.newSetFromMap(new IdentityHashMap<>());
        boolean returnsRows;
        if (statement instanceof Select) {
            statement.accept(rewriter, null);
            returnsRows = true;
        } else if (statement instanceof Insert insert) {
            statement.accept(rewriter, null);
            InsertConflictTarget conflict = insert.getConflictTarget();
            if (conflict != null && conflict.getConstraintName() != null) { // the name CREATE/ALTER TABLE gave it
                conflict.setConstraintName(physicalIndexName(conflict.getConstraintName(), "constraint"));
            }
            returnsRows = insert.getReturningClause() != null;
        } else if (statement instanceof Update update) {
            statement.accept(rewriter, null);
            returnsRows = update.getReturningClause() != null;
        } else if (statement instanceof Delete delete) {
            statement.accept(rewriter, null);
            returnsRows = delete.getReturningClause() != null;
        } else if (statement instanceof CreateTable create) {
            createTable(create, rewriter);
            returnsRows = false;
        } else if (statement instanceof CreateIndex create) {
            createIndex(create, rewriter, renamed);
            returnsRows = false;
        } else if (statement instanceof Drop drop) {
            drop(drop, rewriter);
            returnsRows = false;
        } else if (statement instanceof Alter alter) {
            alter(alter, rewriter);
            returnsRows = false;
        } else if (statement instanceof Truncate truncate) {
            truncate(truncate, rewriter);
            returnsRows = false;
        } else if (statement instanceof CreateSequence create) {
            sequence(create.getSequence(), false);
            returnsRows = false;
        } else if (statement instanceof AlterSequence alter) {
            sequence(alter.getSequence(), true);
            returnsRows = false;
        } else {
            throw refused("is a " + statement.getClass().getSimpleName() + " statement; allowed are SELECT, INSERT,"
                    + " UPDATE, DELETE, CREATE/ALTER/DROP TABLE, CREATE/DROP INDEX, CREATE/ALTER/DROP SEQUENCE and"
                    + " TRUNCATE", sql);
        }
        int[] placeholders = new int[2]; // ?, $n
        boolean[] modifies = {!(statement instanceof Select)}; // a SELECT with a data-modifying CTE modifies
        AstAudit.walk(statement, node -> {
            checkNamesKeptAsText(node);
            if (node instanceof Insert || node instanceof Update || node instanceof Delete) {
                modifies[0] = true;
            }
            if (node instanceof Table table && !rewriter.handled().contains(table)) {
                throw refused("references '" + table.getFullyQualifiedName() + "' in a place the guard cannot check",
                        table.getFullyQualifiedName());
            } else if (node instanceof TableFunction function) { // a Function too, before that
                checkTableFunction(function);
            } else if (node instanceof Function function) {
                checkFunction(function);
            } else if (node instanceof AnalyticExpression analytic) {
                checkFunctionName(analytic.getName());
            } else if (node instanceof ColDataType type) {
                checkType(type);
            } else if (node instanceof Column column && column.getTable() == null
                    && SqlDialect.isSessionValue(column.getColumnName())) {
                throw refused("reads the session's " + column.getColumnName() + "; quote the name if it is a column",
                        column.getColumnName());
            } else if (node instanceof Index index && index.getTableSpace() != null) {
                throw refused("puts an index in a tablespace", index.getTableSpace());
            } else if (node instanceof Index index && index.getName() != null && renamed.add(index)) {
                index.setName(physicalIndexName(index.getName(), "constraint"));
            } else if (node instanceof StringValue string && string.getPrefix() != null) {
                throw refused("writes a " + string.getPrefix() + "'...' string", string.toString());
            } else if (node instanceof Alias alias && alias.getName() != null && alias.getName().startsWith("'")) {
                throw refused("uses the string " + alias.getName() + " as an alias; PostgreSQL reads a name followed"
                        + " by a string as a typed literal", alias.getName());
            } else if (node instanceof NextValExpression next) {
                throw refused("uses NEXT VALUE FOR " + next.getName() + "; use nextval('<declared sequence>')",
                        next.getName());
            } else if (node instanceof UserVariable || node instanceof VariableAssignment) {
                throw refused("uses a session variable", String.valueOf(node));
            } else if (node instanceof JdbcParameter parameter) {
                if (parameter.isUseFixedIndex() && parameter.getIndex() < 1) {
                    throw refused("uses the placeholder " + parameter + "; they are numbered from $1", "" + parameter);
                }
                placeholders[parameter.isUseFixedIndex() ? 1 : 0]++; // $1 and ?1 have a fixed index
            } else if (node instanceof NumericBind bind) {
                throw refused("uses the bind variable ':" + bind.getBindId() + "'; use ? or $1, $2, ...",
                        ":" + bind.getBindId());
            } else if (node instanceof JdbcNamedParameter named) {
                throw refused("uses the named parameter ':" + named.getName() + "'; use ? or $1, $2, ...",
                        named.getName());
            }
        }, this::refused);
        GuardedSql guarded;
        if (placeholders[1] == 0) {
            guarded = new GuardedSql(statement.toString(), returnsRows, placeholders[0], List.of(), !modifies[0]);
        } else if (placeholders[0] > 0) {
            throw refused("mixes ? and $n placeholders; use one kind", sql);
        } else if (!(statement instanceof Select || statement instanceof Insert || statement instanceof Update
                || statement instanceof Delete)) {
            throw refused("has $n placeholders in a DDL statement", sql);
        } else {
            List<Integer> order = new ArrayList<>();
            String text = SqlLexer.unnumberedPlaceholders(statement.toString(), order);
            if (order.size() != placeholders[1]) { // a ? followed by a number where JSqlParser read no placeholder
                throw refused("has a $n placeholder where the guard cannot number it for JDBC; use ? placeholders",
                        sql);
            }
            guarded = new GuardedSql(text, returnsRows, order.size(), order, !modifies[0]);
        }
        String sendable = sendable(sql, guarded.sql(), parsable);
        if (sendable == null) {
            throw refused("uses jsonb's #- and # before a minus sign, which the guard cannot tell apart once parsed;"
                    + " write the latter # (-x)", sql);
        } else if (!sendable.equals(guarded.sql())) {
            guarded = new GuardedSql(sendable, returnsRows, guarded.parameterCount(), guarded.parameterOrder(),
                    guarded.readOnly());
        }
        checkSentText(guarded.sql());
        if (SqlLexer.questionMarks(guarded.sql()) != guarded.parameterCount()) {
            throw refused("uses jsonb's ?, ?| or ?& operator, which JDBC reads as a placeholder; write"
                    + " body @> '{\"key\": ...}' or jsonb_path_exists(body, '$.key') instead", sql);
        }
        return guarded;
    }

    /**
     * The text sent must lex by the same rules and parse back to the statement that was audited:
     * re-serializing its parse gives the same text. Otherwise the database could read something
     * the guard never saw (a dollar quote split by the parser and joined again, say).
     */
    private void checkSentText(String sent) {
        SqlLexer.check(sent, (why, what) -> refused("would reach the database in a form that " + why, what));
        String parsable = parsable(sent);
        Statements again = parse(parsable);
        if (again.size() != 1 || !sent.equals(sendable(sent, again.get(0).toString(), parsable))) {
            throw refused("does not read back as the statement the guard checked", sent);
        }
    }

    /**
     * @return the text JSqlParser is given for {@code sql}: without what it cannot read (a sequence's IF [NOT]
     *         EXISTS, TRUNCATE's RESTART IDENTITY)
     */
    private static String parsable(String sql) {
        String withoutIfExists = SqlLexer.withoutSequenceIfExists(sql);
        if (withoutIfExists != null) {
            return withoutIfExists;
        }
        String withoutIdentity = SqlLexer.withoutTruncateIdentity(sql);
        return withoutIdentity == null ? sql : withoutIdentity;
    }

    /**
     * @param written    the text the plugin wrote, or the text about to be sent
     * @param serialized what JSqlParser wrote back for its {@link #parsable} text
     * @param parsable   that text
     * @return the text for the database: {@code serialized} with what JSqlParser does not write as PostgreSQL
     *         reads it put back (a sequence's IF [NOT] EXISTS, TRUNCATE's RESTART IDENTITY, jsonb's #-), or null
     *         where that cannot be told
     */
    private static String sendable(String written, String serialized, String parsable) {
        String text = serialized;
        if (!parsable.equals(written)) {
            String identity = SqlLexer.truncateIdentity(written);
            if (identity != null && text.startsWith(TRUNCATE)) { // before CASCADE, which JSqlParser writes last
                int end = text.endsWith(CASCADE) ? text.length() - CASCADE.length() : text.length();
                text = text.substring(0, end) + " " + identity + text.substring(end);
            } else if (identity == null && text.startsWith(CREATE_SEQUENCE)) {
                text = CREATE_SEQUENCE + "IF NOT EXISTS " + text.substring(CREATE_SEQUENCE.length());
            } else if (identity == null && text.startsWith(ALTER_SEQUENCE)) {
                text = ALTER_SEQUENCE + "IF EXISTS " + text.substring(ALTER_SEQUENCE.length());
            } else { // JSqlParser reads no other statement from these words
                throw new IllegalStateException("JSqlParser wrote back " + written + " as " + text);
            }
        }
        return SqlLexer.joinHashMinus(written, text);
    }

    private Statements parse(String sql) {
        try {
            Statements statements = CCJSqlParserUtil.parseStatements(sql, parserExecutor,
                    parser -> parser.withTimeOut(parseTimeoutMillis));
            if (statements == null) {
                throw refused("contains 0 statements; run exactly one statement per call", sql);
            }
            return statements;
        } catch (RejectedExecutionException refused) { // no statement's fault: the pool is shut down or full
            throw new PluginException("plugin '" + pluginName + "': the host could not run the SQL guard's parser ("
                    + refused.getMessage() + "); the statement was not checked or run", refused);
        } catch (JSQLParserException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw refused("cannot be parsed: the parser did not finish it within " + parseTimeoutMillis + " ms;"
                        + " deeply nested brackets take it longest", "");
            }
            throw refused("cannot be parsed: " + firstLine(e), sql);
        }
    }

    private void checkFunction(Function function) {
        List<String> parts = function.getMultipartName();
        if (parts != null && parts.size() > 1) {
            throw refused("calls the schema-qualified function '" + String.join(".", parts) + "'",
                    String.join(".", parts));
        }
        String name = function.getName();
        if (name == null && parts != null && parts.size() == 1) {
            name = parts.get(0);
        }
        if (name == null || name.isBlank()) {
            throw refused("calls a function the guard cannot name", String.valueOf(function));
        }
        String key = SqlNames.key(name).toLowerCase(Locale.ROOT);
        if (SEQUENCE_FUNCTIONS.contains(key)) {
            sequenceCall(name, function);
            return;
        } else if (ARRAY_COMPARISONS.contains(name.toLowerCase(Locale.ROOT))) { // unquoted: a quoted name keeps quotes
            arrayComparison(name, function);
            return;
        }
        checkFunctionName(name);
        if (PADDING_FUNCTIONS.contains(key)) {
            checkPaddedLength(name, function);
        }
    }

    /**
     * {@code lpad} and {@code rpad} build a string of the length asked for, as {@code repeat} does: a
     * length of 10^9 is a gigabyte in the database, or on H2 in the host's own heap. They are allowed
     * with a literal length of at most {@value #MAX_PADDED_LENGTH}, what padding a code or a number needs.
     */
    private void checkPaddedLength(String name, Function function) {
        ExpressionList<?> arguments = function.getParameters();
        if (arguments == null || arguments.size() < 2 || !(arguments.get(1) instanceof LongValue length)
                || length.getValue() > MAX_PADDED_LENGTH) {
            throw refused("calls " + name + " with a length that is not a literal of at most " + MAX_PADDED_LENGTH
                    + " (it builds a string of the length asked for)", name);
        }
    }

    private void checkFunctionName(String name) {
        if (name == null || !dialect.allowsFunction(name)) {
            throw refused("calls '" + name + "', which is not among the " + dialect + " functions plugins may use"
                    + " (aggregates, window, string, math, date/time, JSON, conditional)", String.valueOf(name));
        }
    }

    /**
     * A function in FROM ({@code unnest(?, ?)}, {@code generate_series(1, 7)}): JSqlParser wraps the call, which
     * the walk checks as any other, in a nameless call of its own, with {@code LATERAL} before it and
     * {@code WITH ORDINALITY} after as text; other databases' forms of it are refused.
     */
    private void checkTableFunction(TableFunction function) {
        String prefix = function.getPrefix();
        String with = function.getWithClause();
        if (prefix != null && !prefix.equalsIgnoreCase("LATERAL")
                || with != null && !with.equalsIgnoreCase("ORDINALITY")
                || function.getPivot() != null || function.getUnPivot() != null) {
            throw refused("reads rows from a function in a form the guard does not accept; write [LATERAL] f(...)"
                    + " [WITH ORDINALITY] [AS alias(columns)]", String.valueOf(function));
        }
    }

    /**
     * {@code x = ANY(array)} (and {@code SOME}, {@code ALL}): the comparison with each element, which is what a
     * reserved word before brackets can only be to either database. One operand, written back as it came; the
     * walk audits it as any other.
     */
    private void arrayComparison(String name, Function function) {
        ExpressionList<?> arguments = function.getParameters();
        if (arguments == null || arguments.size() != 1
                || !function.toString().equals(name + "(" + arguments.get(0) + ")")) {
            throw refused("uses " + name + "(...) with other than one array to compare with, as in id = ANY(?)",
                    String.valueOf(function));
        }
    }

    /** nextval('seq'), currval('seq'), setval('seq', n): only a sequence of a declared name, mapped like a table. */
    private void sequenceCall(String name, Function function) {
        ExpressionList<?> arguments = function.getParameters();
        if (arguments == null || arguments.isEmpty() || !(arguments.get(0) instanceof StringValue sequence)
                || sequence.getPrefix() != null) {
            throw refused("calls " + name + " without a literal sequence name; write " + name + "('<declared name>')",
                    name);
        }
        sequence.setValue(sequenceLiteralText(sequence.getValue()));
    }

    /**
     * CREATE or ALTER SEQUENCE: a sequence of a declared name, mapped like a table (as {@code nextval}'s
     * argument is), with numeric options only. Refused: a schema, {@code OWNED BY} (JSqlParser keeps its
     * column as text; a plugin's sequence goes with DROP SEQUENCE), a type other than an integer's, and
     * options of other databases (Oracle's {@code NOCACHE}, {@code KEEP}, ...).
     *
     * @param alter whether it is ALTER SEQUENCE, which may also {@code RESTART [WITH n]}
     */
    private void sequence(Sequence sequence, boolean alter) {
        String written = sequence.getFullyQualifiedName();
        sequence.setName(physicalSequenceName(written, sequence.getName()));
        if (sequence.getOwnership() != null) {
            throw refused("gives sequence '" + written + "' an owner (OWNED BY); drop a plugin's sequence with"
                    + " DROP SEQUENCE", written);
        }
        String type = sequence.getDataType();
        if (type != null && !SEQUENCE_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
            throw refused("makes sequence '" + written + "' of type " + type + "; allowed: " + SEQUENCE_TYPES,
                    type);
        }
        for (Sequence.Parameter parameter : sequence.getParameters() == null ? List.<Sequence.Parameter>of()
                : sequence.getParameters()) {
            Sequence.ParameterType option = parameter.getOption();
            if (!SEQUENCE_OPTIONS.contains(option) && !(alter && option == Sequence.ParameterType.RESTART_WITH)) {
                throw refused("gives sequence '" + written + "' the option " + parameter.formatParameter().trim()
                        + "; allowed: INCREMENT BY, START WITH, MINVALUE, MAXVALUE, [NO] CYCLE, CACHE"
                        + (alter ? ", RESTART [WITH]" : ""), written);
            }
        }
    }

    /**
     * @param written the sequence's name as the plugin wrote it, with any qualifier
     * @param name    its last part
     * @return the quoted physical name of the plugin's sequence of that declared name
     */
    private String physicalSequenceName(String written, String name) {
        if (!written.equals(name)) {
            throw refused("names a schema ('" + written + "')", written);
        }
        return physicalSequenceName(name);
    }

    /** @return the quoted physical name of the plugin's sequence of a declared name, as a table's is mapped */
    private String physicalSequenceName(String name) {
        return SqlNames.quote(tables.physicalName(SqlNames.key(name)));
    }

    /**
     * @param written a sequence name as a plugin wrote it inside a string literal
     * @return the text of the literal that names its physical sequence: the quoted physical name,
     *         with quotes doubled for the string
     */
    private String sequenceLiteralText(String written) {
        return (sequenceQualifier + physicalSequenceName(written)).replace("'", "''");
    }

    /**
     * Where JSqlParser and PostgreSQL could read a name differently. JSqlParser keeps names, and some parts
     * of a statement, as text that the deparser writes back as it came: the columns of an index or key (and
     * their collation and operator class), the columns a foreign key references, an index method, a type's
     * arguments. A call written there ({@code CREATE INDEX i ON notes (repeat(body, 100000000))}) is not an
     * expression the audit sees, yet PostgreSQL indexes its result. So each name (of a column, table,
     * function, alias, column definition) must be one name to PostgreSQL and not a word it reserves, each
     * such part one name, a type's arguments numbers; and Informix's {@code SELECT FIRST/LIMIT/SKIP n},
     * whose {@code n} JSqlParser keeps as a name, is refused.
     */
    private void checkNamesKeptAsText(Object node) {
        if (node instanceof Column column) {
            String name = column.getColumnName();
            if (column.getTable() != null || !VALUE_WORDS.contains(name.toLowerCase(Locale.ROOT))
                    && !SqlDialect.isSessionValue(name)) {
                checkOneName(name);
            }
            if (column.getTable() != null) { // the walk skips a column's qualifier: it is no table reference
                column.getTable().getNameParts().forEach(this::checkOneName);
            }
        } else if (node instanceof Table table) {
            table.getNameParts().forEach(this::checkOneName);
        } else if (node instanceof Function function && function.getMultipartName() != null) {
            // one name, though it may be one PostgreSQL reserves for functions and types (left, right)
            function.getMultipartName().forEach(this::checkIsOneName);
        } else if (node instanceof Alias alias && alias.getName() != null && !alias.getName().startsWith("'")) {
            checkOneName(alias.getName()); // a string as an alias has its own refusal below
            if (alias.getAliasColumns() != null) {
                alias.getAliasColumns().forEach(aliasColumn -> checkOneName(aliasColumn.name));
            }
        } else if (node instanceof ColumnDefinition definition) {
            checkOneName(definition.getColumnName());
            if (!(definition instanceof AlterExpression.ColumnDataType)) { // ALTER COLUMN x SET ... has no type
                checkHasType(definition);
            }
        } else if (node instanceof WithItem<?> with) {
            if (with.getWithFunctionDeclaration() != null) {
                throw refused("declares a function in WITH", String.valueOf(with.getWithFunctionDeclaration()));
            }
            for (SelectItem<?> item : with.getWithItemList() == null ? List.<SelectItem<?>>of()
                    : with.getWithItemList()) {
                if (!(item.getExpression() instanceof Column name && name.getTable() == null)) {
                    throw refused("gives the WITH query " + with.getAlias() + " a column list with '" + item
                            + "', where only names belong", String.valueOf(item));
                }
            }
        } else if (node instanceof AlterExpression alteration) {
            checkOneName(alteration.getColumnName());
            checkOneName(alteration.getColumnOldName());
            if (alteration.getOperation() == AlterOperation.ADD && alteration.getColDataTypeList() != null) {
                alteration.getColDataTypeList().forEach(this::checkHasType);
            }
        } else if (node instanceof First || node instanceof Skip) {
            throw refused("starts with SELECT FIRST, LIMIT or SKIP, which PostgreSQL reads as an empty select list"
                    + " followed by a clause; put LIMIT and OFFSET at the end", String.valueOf(node));
        } else if (node instanceof Index.ColumnParams column && !column.isExpression()) {
            List<String> params = column.getParams() == null ? List.of() : column.getParams();
            if (!SqlNames.isName(column.getColumnName()) || !params.stream().allMatch(SqlNames::isName)) {
                String written = (column.getColumnName() + " " + String.join(" ", params)).strip();
                throw refused("writes '" + written + "' where a column name belongs; index an expression in its own"
                        + " parentheses, as in ((lower(body)))", written);
            }
            checkNames(column.getCollation() == null ? List.of() : List.of(column.getCollation()), "a collation");
            checkNames(column.getOperatorClass() == null ? List.of() : List.of(column.getOperatorClass()),
                    "an operator class");
        } else if (node instanceof CreateIndex create) {
            checkNames(create.getIncludeColumns(), "the INCLUDE columns");
        } else if (node instanceof Index index) {
            checkNames(index.getIncludeColumns(), "the INCLUDE columns");
            checkNames(index.getUsing() == null ? List.of() : List.of(index.getUsing()), "an index method");
            checkNames(index.getIndexSpec(), "an index's options");
            if (index instanceof ForeignKeyIndex key) {
                checkNames(key.getReferencedColumnNames(), "the columns a foreign key references");
            }
        } else if (node instanceof ColDataType type && type.getArgumentsStringList() != null) {
            for (String argument : type.getArgumentsStringList()) {
                if (!argument.strip().matches("\\d{1,9}")) {
                    throw refused("gives the type " + type.getDataType() + " the argument '" + argument
                            + "'; a type's arguments are numbers", argument);
                }
            }
        }
    }

    /**
     * JSqlParser reads {@code #} and {@code @} inside a name (T-SQL's {@code #temp} and {@code @var});
     * PostgreSQL reads them as operators, so {@code body#current_user} is one column to the guard and
     * {@code body # current_user} to the database.
     */
    private void checkOneName(String name) {
        checkIsOneName(name);
        if (name != null && SqlNames.isReserved(name)) {
            throw refused("uses the reserved word " + name + " as a name, which PostgreSQL reads as syntax; quote it"
                    + " (\"" + name.toLowerCase(Locale.ROOT) + "\") if it is a name", name);
        }
    }

    private void checkIsOneName(String name) {
        if (name != null && !SqlNames.isName(name)) {
            throw refused("writes '" + name + "' where one name belongs, which the database reads as more than"
                    + " one (it takes # and @ for operators); put spaces around operators, or quote the name", name);
        }
    }

    /** JSqlParser takes what follows a name for its type and constraints; with no type, it read something else. */
    private void checkHasType(ColumnDefinition definition) {
        if (definition.getColDataType() == null || definition.getColDataType().getDataType() == null) {
            throw refused("defines the column " + definition.getColumnName() + " without a type the guard can read",
                    String.valueOf(definition));
        }
    }

    private void checkNames(List<String> names, String where) {
        if (names == null) {
            return;
        }
        for (String name : names) {
            if (!SqlNames.isName(name)) {
                throw refused("writes '" + name + "' in " + where + ", where only names belong", name);
            }
        }
    }

    private void checkType(ColDataType type) {
        String name = type.getDataType();
        if (name == null || !dialect.allowsType(name)) {
            throw refused("uses the type '" + name + "', which is not among the " + dialect + " scalar types plugins"
                    + " may use (no reg* types, no other tables' row types)", String.valueOf(name));
        }
    }

    private void createTable(CreateTable create, TableRewriter rewriter) {
        if (create.getLikeTable() != null || create.getTrailingLikeTable() != null || create.getPartitionOf() != null
                || create.getOfType() != null || create.getPartitioning() != null) {
            throw refused("creates a table LIKE, OF or PARTITION OF another object", create.getTable().getName());
        }
        if (create.getTableOptionsStrings() != null && !create.getTableOptionsStrings().isEmpty()) {
            throw refused("sets table options " + create.getTableOptionsStrings(), create.getTable().getName());
        }
        if (create.getCreateOptionsStrings() != null) {
            for (String option : create.getCreateOptionsStrings()) {
                if (!ALLOWED_CREATE_OPTIONS.contains(option.toUpperCase(Locale.ROOT))) {
                    throw refused("uses CREATE option " + option, create.getTable().getName());
                }
            }
        }
        rewriter.rewrite(create.getTable(), false);
        if (create.getSelect() != null) {
            create.getSelect().accept((net.sf.jsqlparser.statement.StatementVisitor<Void>) rewriter, null);
        }
        if (create.getColumnDefinitions() != null) {
            for (ColumnDefinition column : create.getColumnDefinitions()) {
                column.setColumnSpecs(checkSpecs(column.getColumnSpecs(), rewriter));
            }
        }
        if (create.getIndexes() != null) {
            for (Index index : create.getIndexes()) {
                if (index instanceof ForeignKeyIndex foreignKey) {
                    rewriter.rewrite(foreignKey.getTable(), false);
                }
            }
        }
    }

    private void createIndex(CreateIndex create, TableRewriter rewriter, Set<Index> renamed) {
        if (create.getTableSpace() != null) {
            throw refused("puts an index in a tablespace", create.getTable().getName());
        }
        if (create.getTailParameters() != null && !create.getTailParameters().isEmpty()) {
            throw refused("has words after the index the guard does not read: " + create.getTailParameters(),
                    create.getTable().getName());
        }
        rewriter.rewrite(create.getTable(), false);
        Index index = create.getIndex();
        index.setName(physicalIndexName(index.getName(), "index"));
        renamed.add(index);
    }

    private void drop(Drop drop, TableRewriter rewriter) {
        String type = drop.getType() == null ? "" : drop.getType().toUpperCase(Locale.ROOT);
        List<Table> names = new ArrayList<>();
        if (drop.getNames() != null && !drop.getNames().isEmpty()) {
            names.addAll(drop.getNames());
        } else {
            names.add(drop.getName());
        }
        List<String> words = drop.getParameters() == null ? List.of() : drop.getParameters();
        if (!words.stream().allMatch(word -> word.equalsIgnoreCase("CASCADE") || word.equalsIgnoreCase("RESTRICT"))
                || drop.getTypeToParameters() != null && !drop.getTypeToParameters().isEmpty()) {
            // JSqlParser keeps what follows the names as raw words ("ON secret", or the name after CONCURRENTLY)
            throw refused("has words after the names the guard does not read: " + words
                    + "; only CASCADE or RESTRICT may follow", String.valueOf(drop.getName()));
        }
        switch (type) {
            case "TABLE" -> names.forEach(table -> rewriter.rewrite(table, false));
            case "INDEX" -> names.forEach(index -> {
                if (index.getSchemaName() != null) {
                    throw refused("names a schema ('" + index.getFullyQualifiedName() + "')", index.getName());
                }
                index.setName(physicalIndexName(index.getName(), "index"));
                rewriter.handled().add(index);
            });
            case "SEQUENCE" -> names.forEach(sequence -> {
                sequence.setName(physicalSequenceName(sequence.getFullyQualifiedName(), sequence.getName()));
                rewriter.handled().add(sequence);
            });
            default -> throw refused("drops a " + type + "; plugins may drop only their tables, indexes and"
                    + " sequences", String.valueOf(drop.getName()));
        }
    }

    private void alter(Alter alter, TableRewriter rewriter) {
        rewriter.rewrite(alter.getTable(), false);
        for (AlterExpression expression : alter.getAlterExpressions()) {
            AlterOperation operation = expression.getOperation();
            if (!ALLOWED_ALTERATIONS.contains(operation) || expression.getNewTableName() != null) {
                throw refused("alters a table with " + operation + "; allowed: add, alter, drop or rename columns"
                        + " and constraints", alter.getTable().getName());
            }
            if (expression.getUkName() != null || expression.getConstraintSymbol() != null) {
                throw refused("names a key the guard cannot prefix", alter.getTable().getName());
            }
            if (expression.getParameters() != null && !expression.getParameters().isEmpty()) {
                // JSqlParser keeps "USING INDEX [TABLESPACE] name" as raw words: an unprefixed name
                throw refused("adds a constraint with " + String.join(" ", expression.getParameters())
                        + "; let the constraint make its own index", alter.getTable().getName());
            }
            if (expression.getConstraintName() != null) {
                expression.setConstraintName(physicalIndexName(expression.getConstraintName(), "constraint"));
            }
            if (expression.getFkSourceTable() != null) {
                if (expression.getFkSourceSchema() != null) {
                    throw refused("references a table in schema '" + expression.getFkSourceSchema() + "'",
                            expression.getFkSourceTable());
                }
                expression.setFkSourceTable(rewriter.physicalQuoted(expression.getFkSourceTable()));
            }
            if (expression.getIndex() instanceof ForeignKeyIndex foreignKey) {
                rewriter.rewrite(foreignKey.getTable(), false);
            }
            if (expression.getColDataTypeList() != null) {
                for (AlterExpression.ColumnDataType column : expression.getColDataTypeList()) {
                    column.setColumnSpecs(checkSpecs(column.getColumnSpecs(), rewriter));
                }
            }
        }
    }

    private void truncate(Truncate truncate, TableRewriter rewriter) {
        List<Table> targets = truncate.getTables() != null && !truncate.getTables().isEmpty()
                ? truncate.getTables() : List.of(truncate.getTable());
        targets.forEach(table -> rewriter.rewrite(table, false));
    }

    private List<String> checkSpecs(List<String> specs, TableRewriter rewriter) {
        return ColumnSpecs.check(specs, new ColumnSpecs.Rules() {
            @Override
            public String table(String written) {
                return rewriter.physicalQuoted(written);
            }

            @Override
            public String constraint(String written) {
                return physicalIndexName(written, "constraint");
            }

            @Override
            public String sequence(String written) {
                return "'" + sequenceLiteralText(written) + "'";
            }

            @Override
            public void function(String name) {
                checkFunctionName(name);
            }

            @Override
            public RuntimeException refuse(String why, String what) {
                return refused(why, what);
            }
        });
    }

    /**
     * Indexes and constraints share PostgreSQL's namespace with tables (a unique constraint is an
     * index): their names are prefixed the same way, so a plugin can neither squat another plugin's
     * name nor collide with it.
     */
    private String physicalIndexName(String written, String what) {
        String key = SqlNames.key(written);
        try {
            ResourceKind.TABLE.validateLogical(key);
            return SqlNames.quote(ResourceKind.TABLE.physicalName(pluginName, key));
        } catch (InvalidNameException e) {
            throw refused("names " + ("index".equals(what) ? "an " : "a ") + what + " '" + written
                    + "' that cannot be prefixed: " + e.getMessage(), written);
        }
    }

    private TableAccessDeniedException refused(String why, String what) {
        return TableAccessDeniedException.refused("plugin '" + pluginName + "': statement refused: it " + why, what,
                tables.allowed());
    }

    private static String firstLine(Exception e) {
        Throwable cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
