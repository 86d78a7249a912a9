package io.pluginhost.resource.database;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.runtime.resource.ResourceScope;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The repository of a plugin that declares no table, opened on its first statement rather than at load:
 * such a plugin loads without the database, so a database that is down or hangs holds up no load of a
 * plugin that does not use it. A statement while the database cannot be reached fails typed, and the
 * next one tries again.
 */
final class DeferredDatabaseRepository implements DatabaseRepository, AutoCloseable {

    /** Opens the repository: the connection, the dialect and, on PostgreSQL, the plugin's role. */
    interface Opener {
        JdbcDatabaseRepository open() throws SQLException;
    }

    private final ResourceScope scope;
    private final Opener opener;
    private volatile JdbcDatabaseRepository opened;
    /** Guarded by {@code this}. */
    private boolean closed;

    DeferredDatabaseRepository(ResourceScope scope, Opener opener) {
        this.scope = scope;
        this.opener = opener;
    }

    @Override
    public List<Map<String, Object>> executeQuery(String sql, Object... params) {
        return opened().executeQuery(sql, params);
    }

    @Override
    public int executeCommand(String sql, Object... params) {
        return opened().executeCommand(sql, params);
    }

    @Override
    public int[] executeBatch(String sql, List<Object[]> rows) {
        return opened().executeBatch(sql, rows);
    }

    @Override
    public <T> T inTransaction(Function<DatabaseRepository, T> work) {
        return opened().inTransaction(work);
    }

    @Override
    public <T> T inTransaction(Isolation isolation, Function<DatabaseRepository, T> work) {
        return opened().inTransaction(isolation, work);
    }

    @Override
    public List<String> getAllowedTables() {
        return scope.resources().tables().allowed();
    }

    private JdbcDatabaseRepository opened() {
        JdbcDatabaseRepository repository = opened;
        if (repository != null) {
            return repository;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the database repository of plugin '" + scope.pluginName()
                        + "' is closed");
            }
            if (opened == null) {
                try {
                    opened = opener.open();
                } catch (SQLException e) {
                    throw new PluginException("plugin '" + scope.pluginName() + "': the database cannot be reached: "
                            + e.getMessage());
                }
            }
            return opened;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (opened != null) {
            opened.close();
        }
    }
}
