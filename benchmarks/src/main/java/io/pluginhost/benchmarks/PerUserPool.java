package io.pluginhost.benchmarks;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.logging.Logger;

/**
 * A minimal pool of physical connections per user, as a container DataSource that allows several
 * users keeps: {@code close()} on a handed-out connection returns it to its user's pool. For the
 * PostgreSQL benchmark only, where the repository and raw JDBC must pay for the same kind of pool.
 */
final class PerUserPool implements DataSource {

    private static final String DEFAULT_USER = "";

    private final DataSource physical;
    private final Map<String, Deque<Connection>> idle = new ConcurrentHashMap<>();

    PerUserPool(DataSource physical) {
        this.physical = physical;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pooled(DEFAULT_USER, null);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return pooled(user, password);
    }

    private Connection pooled(String user, String password) throws SQLException {
        Deque<Connection> free = idle.computeIfAbsent(user, u -> new ConcurrentLinkedDeque<>());
        Connection connection = free.pollFirst();
        if (connection == null) {
            connection = user.equals(DEFAULT_USER) ? physical.getConnection() : physical.getConnection(user, password);
        }
        Connection real = connection;
        return (Connection) Proxy.newProxyInstance(PerUserPool.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!real.getAutoCommit()) {
                            real.rollback();
                            real.setAutoCommit(true);
                        }
                        free.offerFirst(real);
                        return null;
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    void close() {
        idle.values().forEach(connections -> connections.forEach(connection -> {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // shutting the benchmark down
            }
        }));
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
