package io.pluginhost.resource.database;

import net.sf.jsqlparser.parser.ASTNodeAccessImpl;
import net.sf.jsqlparser.parser.Node;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.AllColumns;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A second, independent look at a parsed statement that does not rely on any visitor: it walks the
 * whole object graph of JSqlParser's AST by reflection and reports every {@link Table} and
 * {@link Function} node, wherever it sits. The guard refuses a statement if a table node was not
 * handled by the rewriter (a clause the visitor does not reach) or if a denied function appears
 * anywhere, so a gap in visitor coverage fails closed.
 *
 * <p>The qualifier of a column ({@code users.id}, {@code users.*}) is not a table reference: the
 * walk skips that one field and still descends into the rest of the column (an array subscript can
 * hold a subquery). The parser's token tree is not part of the statement and is skipped.
 *
 * <p>It descends into collections, maps (keys and values), map entries and arrays, and stops at text,
 * numbers and enums. Any other kind of value is refused rather than skipped: JSqlParser keeps the right
 * operand of a JSON operator ({@code body -> pg_sleep(1)}) in a {@code Map.Entry}, and a walk that
 * dropped what it did not know let that function, and a subquery on any table, through.
 *
 * <p>Text in the tree is written back as it came, so it must be one token the audit can read: a name,
 * a number, a string literal, a run of key words or an operator. Text JSqlParser keeps in larger pieces
 * is refused, except where the guard reads it by its own rules ({@link #TEXT_READ_ELSEWHERE}): a call
 * left as text ({@code CREATE INDEX i ON t (repeat(body, 100000000))}) got past a walk that only
 * looked at nodes.
 */
final class AstAudit {

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && c.getName().startsWith("net.sf.jsqlparser."); c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers())) {
                        continue;
                    }
                    if (c == ASTNodeAccessImpl.class) {
                        continue; // the parser's node tree: tokens and parent links, not the statement
                    }
                    try {
                        field.setAccessible(true);
                    } catch (InaccessibleObjectException e) {
                        throw new IllegalStateException("cannot audit " + c.getName() + "." + field.getName(), e);
                    }
                    fields.add(field);
                }
            }
            return List.copyOf(fields);
        }
    };

    /**
     * Text the guard reads itself: a string literal's value (written back quoted, and lexed again), its
     * quote, a type's name (allow-listed), a column definition's constraints ({@link ColumnSpecs}) and an
     * optimizer hint (written back as a comment, which the lexer checks), and a placeholder's {@code ?} or
     * {@code $}, which the guard counts.
     */
    private static final Set<String> TEXT_READ_ELSEWHERE = Set.of(
            "net.sf.jsqlparser.expression.StringValue.value", "net.sf.jsqlparser.expression.StringValue.quoteStr",
            "net.sf.jsqlparser.statement.create.table.ColDataType.dataType",
            "net.sf.jsqlparser.statement.create.table.ColumnDefinition.columnSpecs",
            "net.sf.jsqlparser.expression.OracleHint.value",
            "net.sf.jsqlparser.expression.JdbcParameter.parameterCharacter");

    /** One token other than a name: key words, a number, a string literal, an operator, or nothing. */
    private static final Pattern OTHER_TOKEN = Pattern.compile("[A-Za-z_]+(?: [A-Za-z_]+)*(?:\\(\\d+\\))?"
            + "|\\d*\\.?\\d+(?:[eE][+-]?\\d+)?|\\d+\\.|'(?:[^']|'')*'|[-+*/<>=~!@#%^&|?.:,]{1,3}|");

    private AstAudit() {
    }

    /**
     * @param root    the parsed statement
     * @param visitor receives every node of the statement (tables, functions, placeholders, ...)
     * @param refusal refuses a statement holding a value the walk cannot look into
     */
    static void walk(Object root, Consumer<Object> visitor, SqlRefusal refusal) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Object node = todo.pop();
            if (!seen.add(node)) {
                continue;
            }
            if (node instanceof Node || node instanceof Token) {
                continue;
            }
            boolean qualifies = node instanceof Column || node instanceof AllColumns; // AllTableColumns too
            visitor.accept(node);
            for (Field field : FIELDS.get(node.getClass())) {
                if (qualifies && field.getType() == Table.class) {
                    continue;
                }
                Object value;
                try {
                    value = field.get(node);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                push(value, field, todo, refusal);
            }
        }
    }

    private static void push(Object value, Field field, Deque<Object> todo, SqlRefusal refusal) {
        if (value instanceof CharSequence text) {
            checkText(text.toString(), field, refusal);
            return;
        }
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof Character
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            collection.forEach(element -> push(element, field, todo, refusal));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> {
                push(key, field, todo, refusal);
                push(element, field, todo, refusal);
            });
        } else if (value instanceof Map.Entry<?, ?> entry) {
            push(entry.getKey(), field, todo, refusal);
            push(entry.getValue(), field, todo, refusal);
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                push(element, field, todo, refusal);
            }
        } else if (value.getClass().getName().startsWith("net.sf.jsqlparser.")) {
            todo.push(value);
        } else if (!value.getClass().isArray()) { // an array of primitives holds no node
            throw refusal.refuse("has a part the guard cannot look into (a " + value.getClass().getName()
                    + " in the parsed statement)", String.valueOf(value));
        }
    }

    private static void checkText(String text, Field field, SqlRefusal refusal) {
        if (!SqlNames.isName(text) && !OTHER_TOKEN.matcher(text).matches()
                && !TEXT_READ_ELSEWHERE.contains(field.getDeclaringClass().getName() + "." + field.getName())) {
            throw refusal.refuse("has text the guard cannot read as one token ('" + text + "' in "
                    + field.getDeclaringClass().getSimpleName() + "); write it another way, or as a parameter", text);
        }
    }
}
