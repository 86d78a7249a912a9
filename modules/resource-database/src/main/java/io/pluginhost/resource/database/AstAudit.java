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
                push(value, todo, refusal);
            }
        }
    }

    private static void push(Object value, Deque<Object> todo, SqlRefusal refusal) {
        if (value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            collection.forEach(element -> push(element, todo, refusal));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> {
                push(key, todo, refusal);
                push(element, todo, refusal);
            });
        } else if (value instanceof Map.Entry<?, ?> entry) {
            push(entry.getKey(), todo, refusal);
            push(entry.getValue(), todo, refusal);
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                push(element, todo, refusal);
            }
        } else if (value.getClass().getName().startsWith("net.sf.jsqlparser.")) {
            todo.push(value);
        } else if (!value.getClass().isArray()) { // an array of primitives holds no node
            throw refusal.refuse("has a part the guard cannot look into (a " + value.getClass().getName()
                    + " in the parsed statement)", String.valueOf(value));
        }
    }
}
