package io.pluginhost.resource.database;

import io.pluginhost.api.exception.TableAccessDeniedException;
import io.pluginhost.runtime.resource.ResourcePolicy;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectVisitor;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Walks a DML statement (JSqlParser's {@link TablesNamesFinder} visits every clause) and rewrites
 * each table reference to its physical, quoted name, refusing undeclared and schema-qualified ones.
 *
 * <p>A name that matches a CTE in scope is a CTE reference, not a table. Scopes follow SQL: in a
 * plain {@code WITH}, a CTE is visible to the CTEs after it and to the main statement, not to
 * itself or the ones before it (there, the same name is a real table and is checked); with
 * {@code WITH RECURSIVE} every CTE of the list is visible throughout. A rewritten table without an
 * alias gets its logical name as alias, so {@code users.id} still resolves.
 *
 * <p>Every {@link Table} node handled (rewritten, or recognised as a CTE reference) is recorded;
 * {@link AstAudit} refuses the statement if any other table node remains. Single use.
 */
final class TableRewriter extends TablesNamesFinder<Void> {

    private final String pluginName;
    private final ResourcePolicy tables;
    private final Deque<Set<String>> cteScopes = new ArrayDeque<>();
    private final Set<Table> handled = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Table> withoutAlias = Collections.newSetFromMap(new IdentityHashMap<>());

    TableRewriter(String pluginName, ResourcePolicy tables) {
        this.pluginName = pluginName;
        this.tables = tables;
        init(false);
    }

    /** @return the table nodes this rewriter took care of */
    Set<Table> handled() {
        return handled;
    }

    /**
     * Rewrites one table outside the visitor (DDL targets, foreign-key targets).
     *
     * @param table the table node
     * @param alias whether to add the logical name as alias
     */
    void rewrite(Table table, boolean alias) {
        if (!alias) {
            withoutAlias.add(table);
        }
        visit(table, null);
    }

    /**
     * Maps a table name given as text (a {@code REFERENCES} target in a column definition).
     *
     * @param name the name as written
     * @return the physical name, quoted
     */
    String physicalQuoted(String name) {
        return SqlNames.quote(tables.physicalName(SqlNames.key(name)));
    }

    @Override
    public <S> Void visit(Table table, S context) {
        if (handled.contains(table)) {
            return null;
        }
        String written = table.getFullyQualifiedName();
        if (qualified(table)) {
            throw refused("names a schema or database ('" + written + "'); plugins use unqualified table names",
                    written);
        }
        String key = SqlNames.key(table.getName());
        if (isCteInScope(key)) {
            handled.add(table);
            return null;
        }
        String physical = tables.physicalName(key);
        String original = table.getName();
        table.setName(SqlNames.quote(physical));
        if (table.getAlias() == null && !withoutAlias.contains(table)) {
            table.setAlias(new Alias(original, false));
        }
        handled.add(table);
        return null;
    }

    /**
     * Dispatches straight to the kind of select: the superclass would first visit the WITH list
     * itself, outside any CTE scope.
     */
    @Override
    public <S> Void visit(Select select, S context) {
        return select.accept((SelectVisitor<Void>) this, context);
    }

    @Override
    public <S> Void visit(AllTableColumns allTableColumns, S context) {
        return null; // "users.*" names a FROM item (or its alias), not a table
    }

    @Override
    public <S> Void visit(PlainSelect select, S context) {
        if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
            throw refused("uses SELECT ... INTO; create the table with CREATE TABLE and fill it with INSERT",
                    "SELECT INTO");
        }
        return withScope(select.getWithItemsList(), select::setWithItemsList, () -> {
            super.visit(select, context);
            lockedFromItems(select);
            return null;
        }, context);
    }

    /**
     * {@code FOR UPDATE OF n} (or SHARE, NO KEY UPDATE, KEY SHARE) names FROM items of its own SELECT, whose
     * rows it locks, not tables: each must be one of them, by its alias or, for a CTE, its name. A table the
     * rewrite renamed has its logical name as alias, which the clause keeps. PostgreSQL resolves the names the
     * same way and refuses a qualified one.
     */
    private void lockedFromItems(PlainSelect select) {
        List<Table> locked = select.getForUpdateTables();
        if (locked == null || locked.isEmpty()) {
            return;
        }
        Set<String> items = new LinkedHashSet<>();
        fromItemName(select.getFromItem(), items);
        for (Join join : select.getJoins() == null ? List.<Join>of() : select.getJoins()) {
            fromItemName(join.getFromItem(), items);
        }
        for (Table table : locked) {
            String written = table.getFullyQualifiedName();
            if (qualified(table) || !items.contains(SqlNames.key(table.getName()))) {
                throw refused("locks the rows of '" + written + "', which is not a FROM item of its SELECT; name one"
                        + " by its alias: " + items, written);
            }
            handled.add(table);
        }
    }

    private static boolean qualified(Table table) {
        return table.getSchemaName() != null || table.getDatabase() != null && table.getDatabaseName() != null;
    }

    private static void fromItemName(FromItem item, Set<String> names) {
        if (item != null && item.getAlias() != null) {
            names.add(SqlNames.key(item.getAlias().getName()));
        } else if (item instanceof Table cte) { // a rewritten table has an alias: this is a CTE's name
            names.add(SqlNames.key(cte.getName()));
        }
    }

    @Override
    public <S> Void visit(SetOperationList select, S context) {
        return withScope(select.getWithItemsList(), select::setWithItemsList, () -> super.visit(select, context),
                context);
    }

    @Override
    public <S> Void visit(ParenthesedSelect select, S context) {
        return withScope(select.getWithItemsList(), select::setWithItemsList, () -> super.visit(select, context),
                context);
    }

    @Override
    public <S> Void visit(Insert insert, S context) {
        withoutAlias.add(insert.getTable()); // H2 has no INSERT alias, and none is needed
        return withScope(insert.getWithItemsList(), insert::setWithItemsList, () -> super.visit(insert, context),
                context);
    }

    @Override
    public <S> Void visit(Update update, S context) {
        return withScope(update.getWithItemsList(), update::setWithItemsList, () -> super.visit(update, context),
                context);
    }

    @Override
    public <S> Void visit(Delete delete, S context) {
        return withScope(delete.getWithItemsList(), delete::setWithItemsList, () -> super.visit(delete, context),
                context);
    }

    /**
     * Visits the CTE bodies in order with the names visible to each, then the statement itself with
     * all of them in scope. The WITH list is detached while the superclass visits the statement so
     * it does not visit the bodies again without scopes.
     */
    private <S> Void withScope(List<WithItem<?>> with, Consumer<List<WithItem<?>>> setter, Supplier<Void> body,
                               S context) {
        if (with == null || with.isEmpty()) {
            return body.get();
        }
        Set<String> scope = new HashSet<>();
        cteScopes.push(scope);
        setter.accept(null);
        try {
            boolean recursive = with.stream().anyMatch(WithItem::isRecursive);
            if (recursive) {
                with.forEach(item -> scope.add(SqlNames.key(item.getAlias().getName())));
            }
            for (WithItem<?> item : with) {
                item.getParenthesedStatement().accept(this, context);
                scope.add(SqlNames.key(item.getAlias().getName()));
            }
            return body.get();
        } finally {
            setter.accept(with);
            cteScopes.pop();
        }
    }

    private boolean isCteInScope(String key) {
        for (Set<String> scope : cteScopes) {
            if (scope.contains(key)) {
                return true;
            }
        }
        return false;
    }

    TableAccessDeniedException refused(String why, String what) {
        return TableAccessDeniedException.refused("plugin '" + pluginName + "': statement refused: it " + why,
                what, tables.allowed());
    }
}
