package io.pluginhost.resource.database;

import io.pluginhost.api.exception.InvalidArgumentException;
import java.util.List;

/**
 * A plugin statement the guard accepted, rewritten to physical, quoted table names.
 *
 * @param sql            the statement to run, with JDBC {@code ?} placeholders
 * @param returnsRows    whether it produces a result set (a query, or DML with RETURNING)
 * @param parameterCount how many {@code ?} placeholders the statement has
 * @param parameterOrder for a statement written with {@code $n} placeholders, the 1-based number of
 *                       the parameter each {@code ?} takes, in order; empty for {@code ?} statements
 * @param readOnly       a plain query (no DML, DDL or data-modifying CTE): it needs no transaction of its own
 */
public record GuardedSql(String sql, boolean returnsRows, int parameterCount, List<Integer> parameterOrder,
                         boolean readOnly) {

    /** Copies the order. */
    public GuardedSql {
        parameterOrder = List.copyOf(parameterOrder);
    }

    /**
     * @param params the parameters as the plugin passed them
     * @return them in the order the {@code ?} placeholders take them
     * @throws InvalidArgumentException if a {@code $n} has no parameter, or parameters are left over
     */
    public Object[] bind(Object[] params) {
        Object[] given = params == null ? new Object[0] : params;
        if (parameterOrder.isEmpty()) {
            if (given.length != parameterCount) {
                throw new InvalidArgumentException("params", "the statement has " + parameterCount + " parameter(s); "
                        + given.length + " given");
            }
            return given;
        }
        int highest = parameterOrder.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (highest != given.length) {
            throw new InvalidArgumentException("params", "the statement uses $1 to $" + highest + "; " + given.length
                    + " parameter(s) given");
        }
        Object[] bound = new Object[parameterOrder.size()];
        for (int i = 0; i < bound.length; i++) {
            bound[i] = given[parameterOrder.get(i) - 1];
        }
        return bound;
    }
}
