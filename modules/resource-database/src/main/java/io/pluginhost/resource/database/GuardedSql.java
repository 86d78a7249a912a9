package io.pluginhost.resource.database;

import io.pluginhost.api.exception.InvalidArgumentException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

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

    /** The kinds of parameter both databases store as values; also {@link Date} and its java.sql kinds, and arrays. */
    private static final Set<Class<?>> STORABLE = Set.of(String.class, Character.class, Boolean.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigDecimal.class, BigInteger.class,
            byte[].class, UUID.class, LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetDateTime.class,
            OffsetTime.class, ZonedDateTime.class, Instant.class, Duration.class, Period.class);

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
        for (int i = 0; i < given.length; i++) {
            if (!isStorable(given[i])) {
                throw new InvalidArgumentException("params", "parameter " + (i + 1) + " is a "
                        + given[i].getClass().getName() + "; pass null, a String, a Boolean, a number (Integer,"
                        + " Long, BigDecimal and the like), a byte[], a date or time (java.time, java.sql), a UUID,"
                        + " or an array of those");
            }
        }
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

    /**
     * Whether both databases store a value of this kind as a value: H2 stores any other object Java-serialized,
     * as a {@code JAVA_OBJECT} it deserializes when read, and PostgreSQL's driver refuses it.
     */
    private static boolean isStorable(Object value) {
        if (value == null || STORABLE.contains(value.getClass()) || value instanceof Date) {
            return true;
        }
        if (value instanceof Object[] array) {
            for (Object element : array) {
                if (!isStorable(element)) {
                    return false;
                }
            }
            return true;
        }
        return value.getClass().isArray() && value.getClass().getComponentType().isPrimitive(); // int[], long[]
    }
}
