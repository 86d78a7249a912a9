package io.pluginhost.benchmarks;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The baseline the database benchmarks compare the repository with: plain JDBC, rows read into maps. */
final class RawJdbc {

    private RawJdbc() {
    }

    static List<Map<String, Object>> query(DataSource dataSource, String sql, Object parameter) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                ResultSetMetaData meta = rows.getMetaData();
                List<Map<String, Object>> result = new ArrayList<>();
                while (rows.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i), rows.getObject(i));
                    }
                    result.add(row);
                }
                return result;
            }
        }
    }

    /** Runs one statement for each row as one JDBC batch in a transaction of its own, as the repository does. */
    static int[] batch(DataSource dataSource, String sql, List<Object[]> rows) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            connection.setAutoCommit(false);
            try {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        statement.setObject(i + 1, row[i]);
                    }
                    statement.addBatch();
                }
                int[] counts = statement.executeBatch();
                connection.commit();
                return counts;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /**
     * Runs one statement per row, each prepared, run and closed as a call of the repository's is, in one
     * transaction on one connection.
     */
    static int statementPerRowInTransaction(DataSource dataSource, String sql, List<Object[]> rows)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int changed = 0;
                for (Object[] row : rows) {
                    try (PreparedStatement statement = connection.prepareStatement(sql)) {
                        for (int i = 0; i < row.length; i++) {
                            statement.setObject(i + 1, row[i]);
                        }
                        changed += statement.executeUpdate();
                    }
                }
                connection.commit();
                return changed;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
