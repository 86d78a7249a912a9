package io.pluginhost.resource.database;

import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.runtime.resource.RepositoryProvider;
import io.pluginhost.runtime.resource.ResourceScope;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;

/**
 * Gives each plugin a {@link DatabaseRepository} over the host's {@link DataSource}, guarded for the
 * database it finds there (PostgreSQL or H2). On PostgreSQL each plugin also logs in as its own role
 * (see {@link PostgresRoles}) unless the settings say not to; on H2 the guard alone protects other
 * plugins' tables.
 */
public final class DatabaseRepositoryProvider implements RepositoryProvider<DatabaseRepository>, AutoCloseable {

    private final DataSource dataSource;
    private final ExecutorService parserExecutor;
    private final DatabaseSettings settings;
    private final StatementWatchdog watchdog = new StatementWatchdog();
    private byte[] roleSecret;
    /** Whether a plugin logs in as its own role here; see {@link #logsPluginsIn()}. */
    private volatile boolean logsPluginsIn;

    /**
     * @param dataSource     the host's data source (in WildFly, the container's); on PostgreSQL with roles
     *                       it must hand out connections for other users ({@code getConnection(user, password)})
     * @param parserExecutor runs SQL parses so the timeout applies; shared by every plugin
     * @param settings       limits and role provisioning
     */
    public DatabaseRepositoryProvider(DataSource dataSource, ExecutorService parserExecutor,
                                      DatabaseSettings settings) {
        this.dataSource = dataSource;
        this.parserExecutor = parserExecutor;
        this.settings = settings;
    }

    @Override
    public DatabaseRepository open(ResourceScope scope) throws SQLException {
        if (scope.resources().tables().allowed().isEmpty()) {
            return new DeferredDatabaseRepository(scope, () -> openNow(scope));
        }
        return openNow(scope);
    }

    private JdbcDatabaseRepository openNow(ResourceScope scope) throws SQLException {
        PostgresRoles.Login login = null;
        SqlDialect dialect;
        String sequenceSchema;
        try (Connection connection = dataSource.getConnection()) {
            dialect = SqlDialect.of(connection.getMetaData().getDatabaseProductName());
            sequenceSchema = dialect == SqlDialect.H2 ? connection.getSchema() : null;
            if (settings.rolesPerPlugin() && dialect == SqlDialect.POSTGRESQL) {
                login = PostgresRoles.provision(connection, scope.pluginName(), settings, roleSecret(connection));
                logsPluginsIn = true;
            }
        }
        SqlTableGuard guard = new SqlTableGuard(scope.pluginName(), scope.resources().tables(), dialect,
                parserExecutor, settings.parseTimeout(), sequenceSchema);
        return new JdbcDatabaseRepository(scope, dataSource, guard, login, settings, watchdog);
    }

    private synchronized byte[] roleSecret(Connection connection) throws SQLException {
        if (roleSecret == null) {
            roleSecret = settings.roleSecret() != null ? settings.roleSecret().getBytes(StandardCharsets.UTF_8)
                    : PostgresRoles.sharedSecret(connection);
        }
        return roleSecret;
    }

    /**
     * @return whether a plugin logs in to this data source as its own role ({@code getConnection(user,
     *         password)}), as on PostgreSQL with roles, once one has: a pool must then keep a pool per user
     */
    public boolean logsPluginsIn() {
        return logsPluginsIn;
    }

    /** Stops the statement watchdog; repositories opened by this provider must not be used after. */
    @Override
    public void close() {
        watchdog.close();
    }
}
