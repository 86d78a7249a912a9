package io.pluginhost.resource.database;

import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.runtime.resource.RepositoryProvider;
import io.pluginhost.runtime.resource.ResourceScope;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * Gives each plugin a {@link DatabaseRepository} over the host's {@link DataSource}. On PostgreSQL
 * it also provisions the plugin's role (see {@link PostgresRoles}) unless told not to; on databases
 * without roles (H2) the guard alone protects other plugins' tables.
 */
public final class DatabaseRepositoryProvider implements RepositoryProvider<DatabaseRepository> {

    private final DataSource dataSource;
    private final ExecutorService parserExecutor;
    private final Duration parseTimeout;
    private final boolean rolesPerPlugin;

    /**
     * @param dataSource     the host's data source (in WildFly, the container's)
     * @param parserExecutor runs SQL parses so the timeout applies; shared by every plugin
     * @param parseTimeout   how long one parse may take
     * @param rolesPerPlugin whether to use a role per plugin where the database supports it
     */
    public DatabaseRepositoryProvider(DataSource dataSource, ExecutorService parserExecutor, Duration parseTimeout,
                                      boolean rolesPerPlugin) {
        this.dataSource = dataSource;
        this.parserExecutor = parserExecutor;
        this.parseTimeout = parseTimeout;
        this.rolesPerPlugin = rolesPerPlugin;
    }

    @Override
    public DatabaseRepository open(ResourceScope scope) throws SQLException {
        String role = null;
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (rolesPerPlugin && product.contains("postgresql")) {
                PostgresRoles.provision(connection, scope.pluginName(),
                        scope.resources().tables().physicalNames().values());
                role = PostgresRoles.roleName(scope.pluginName());
            }
        }
        SqlTableGuard guard = new SqlTableGuard(scope.pluginName(), scope.resources().tables(), parserExecutor,
                parseTimeout);
        return new JdbcDatabaseRepository(scope, dataSource, guard, role);
    }
}
