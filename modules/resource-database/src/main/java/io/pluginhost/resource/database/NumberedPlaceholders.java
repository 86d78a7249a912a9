package io.pluginhost.resource.database;

import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.NumericBind;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.util.deparser.ExpressionDeParser;
import net.sf.jsqlparser.util.deparser.SelectDeParser;
import net.sf.jsqlparser.util.deparser.StatementDeParser;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL-style {@code $1} placeholders (and {@code ?1}) for JDBC: re-serializes a statement with
 * every {@code $n} printed as {@code ?}, recording which parameter each {@code ?} takes, in text order,
 * so {@code WHERE a = $2 AND b = $1 OR c = $2} binds parameters 2, 1, 2.
 */
final class NumberedPlaceholders {

    private NumberedPlaceholders() {
    }

    /**
     * @param statement   a parsed DML statement with {@code $n} placeholders and no {@code ?}
     * @param returnsRows whether it returns rows
     * @return the SQL with {@code ?} and the 1-based parameter number of each, in order
     */
    static GuardedSql deparse(Statement statement, boolean returnsRows, boolean readOnly) {
        List<Integer> order = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        ExpressionDeParser expressions = new ExpressionDeParser() {
            @Override
            public <S> StringBuilder visit(JdbcParameter parameter, S context) {
                order.add(parameter.getIndex());
                return getBuilder().append('?');
            }

            @Override
            public <S> StringBuilder visit(NumericBind bind, S context) {
                order.add(bind.getBindId());
                return getBuilder().append('?');
            }
        };
        SelectDeParser selects = new SelectDeParser(expressions, sql);
        expressions.setSelectVisitor(selects);
        expressions.setBuilder(sql);
        statement.accept(new StatementDeParser(expressions, selects, sql));
        return new GuardedSql(sql.toString(), returnsRows, order.size(), List.copyOf(order), readOnly);
    }
}
