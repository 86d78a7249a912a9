package io.pluginhost.host;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.resource.database.DatabaseRepositoryProvider;
import io.pluginhost.resource.database.DatabaseSettings;
import io.pluginhost.resource.database.DatabaseTaskLeases;
import io.pluginhost.resource.database.HostDocuments;
import io.pluginhost.runtime.TaskLeases;
import io.pluginhost.runtime.resource.RepositoryProvider;
import io.pluginhost.runtime.resource.ResourceScope;
import org.eclipse.microprofile.config.Config;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.logging.Logger;

/**
 * Chooses each plugin's container DataSource: {@code pluginhost.plugin.<name>.datasource}, else
 * {@code pluginhost.datasource} (default WildFly's ExampleDS). The name is looked up each time a plugin
 * loads, so a DataSource deployed after the host, or removed and added again, is found by the plugins loaded
 * after that.
 */
final class PluginDatabases implements RepositoryProvider<DatabaseRepository>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PluginDatabases.class.getName());

    private final Config config;
    private final ExecutorService parser;
    private final DatabaseSettings settings;
    private final Map<String, Known> byJndiName = new ConcurrentHashMap<>();
    /** Providers of data sources that were replaced: plugins loaded before may still use them, until the end. */
    private final List<DatabaseRepositoryProvider> replaced = new CopyOnWriteArrayList<>();
    /** The data sources whose pool was looked at, once a plugin logged in as its own role. */
    private final Set<String> poolsLookedAt = ConcurrentHashMap.newKeySet();

    PluginDatabases(Config config, ExecutorService parser, DatabaseSettings settings) {
        this.config = config;
        this.parser = parser;
        this.settings = settings;
    }

    /**
     * @param config the host's configuration
     * @return the database settings from {@code pluginhost.database.*}, defaults where a key is absent
     */
    static DatabaseSettings settings(Config config) {
        DatabaseSettings defaults = DatabaseSettings.defaults();
        return new DatabaseSettings(defaults.parseTimeout(),
                config.getOptionalValue("pluginhost.database.statement-timeout", Duration.class)
                        .orElse(defaults.statementTimeout()),
                config.getOptionalValue("pluginhost.database.max-rows", Integer.class).orElse(defaults.maxRows()),
                config.getOptionalValue("pluginhost.database.max-result-bytes", Long.class)
                        .orElse(defaults.maxResultBytes()),
                config.getOptionalValue("pluginhost.database.roles", Boolean.class).orElse(true),
                config.getOptionalValue("pluginhost.database.role-secret", String.class).orElse(null),
                config.getOptionalValue("pluginhost.database.idle-in-transaction-timeout", Duration.class)
                        .orElse(defaults.idleInTransaction()),
                config.getOptionalValue("pluginhost.database.temp-file-limit-kb", Long.class)
                        .orElse(defaults.tempFileLimitKb()));
    }

    @Override
    public DatabaseRepository open(ResourceScope scope) throws Exception {
        String jndiName = jndiNameOf(scope.pluginName());
        DataSource dataSource = lookup(scope.pluginName(), jndiName);
        DatabaseRepositoryProvider provider = byJndiName.compute(jndiName, (name, known) -> {
            if (known != null && known.dataSource() == dataSource) {
                return known;
            }
            if (known != null) {
                replaced.add(known.provider());
                poolsLookedAt.remove(name);
                LOG.info(() -> "data source " + name + " is another than when a plugin last loaded on it (removed and"
                        + " added again, or redeployed): plugins that load from now on use the new one; those loaded"
                        + " before use the old one until they are reloaded");
            }
            return new Known(dataSource, new DatabaseRepositoryProvider(dataSource, parser, settings));
        }).provider();
        DatabaseRepository repository = provider.open(scope);
        if (provider.logsPluginsIn() && poolsLookedAt.add(jndiName)) {
            DataSourcePools.warning(jndiName, ManagementFactory.getPlatformMBeanServer()).ifPresent(LOG::warning);
        }
        return repository;
    }

    /**
     * Opens a connection to each data source plugins use (and the default one) and asks the driver
     * whether it is valid, waiting at most {@code timeout}; for readiness checks.
     *
     * @param timeout how long each data source may take to answer
     * @return per JNDI name, why it cannot be used, or {@code null} if it answered
     */
    Map<String, String> problems(Duration timeout) {
        Set<String> names = new TreeSet<>(byJndiName.keySet());
        names.add(hostJndiName());
        Map<String, String> problems = new LinkedHashMap<>();
        for (String name : names) {
            problems.put(name, problem(name, timeout));
        }
        return problems;
    }

    /**
     * @param plugin  a plugin
     * @param timeout how long its data source may take to answer
     * @return the JNDI name of the plugin's data source and why it cannot be used, or empty if it answered
     */
    Map<String, String> problemOf(String plugin, Duration timeout) {
        String name = jndiNameOf(plugin);
        String problem = problem(name, timeout);
        return problem == null ? Map.of() : Map.of(name, problem);
    }

    private String problem(String jndiName, Duration timeout) {
        int seconds = (int) Math.max(1, timeout.toSeconds());
        Optional<DataSource> dataSource = find(jndiName);
        if (dataSource.isEmpty()) {
            return "no DataSource at " + jndiName;
        }
        try (Connection connection = dataSource.get().getConnection()) {
            return connection.isValid(seconds) ? null : "the connection did not validate within " + seconds + " s";
        } catch (SQLException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Stops every provider's statement watchdog; called when the host stops, after every plugin unloaded. */
    @Override
    public void close() {
        byJndiName.values().forEach(known -> known.provider().close());
        byJndiName.clear();
        replaced.forEach(DatabaseRepositoryProvider::close);
        replaced.clear();
    }

    /** The provider of a JNDI name, and the data source it was made for, which a lookup gives as long as it lives. */
    private record Known(DataSource dataSource, DatabaseRepositoryProvider provider) {
    }

    private String jndiNameOf(String plugin) {
        return config.getOptionalValue(ConfigKeys.PLUGIN_PREFIX + plugin + ".datasource", String.class)
                .orElseGet(this::hostJndiName);
    }

    /**
     * @param nodeId this node's id in the cluster
     * @return the leases of the tasks plugins run on one node, in {@code pluginhost.tasks.datasource} (by
     *         default the host's data source), looked up at each ask
     */
    TaskLeases taskLeases(String nodeId) {
        String jndiName = config.getOptionalValue("pluginhost.tasks.datasource", String.class)
                .orElseGet(this::hostJndiName);
        return new DatabaseTaskLeases(() -> find(jndiName).orElseThrow(() -> new PluginException("no DataSource at "
                + jndiName + " (set pluginhost.tasks.datasource or pluginhost.datasource to an existing JNDI name)")),
                nodeId, settings.statementTimeout());
    }

    /**
     * @param jndiName the data source the nodes of a cluster share ({@code pluginhost.shared-state.datasource})
     * @return the documents they keep there, the data source looked up at each use
     */
    static HostDocuments documents(String jndiName) {
        return new HostDocuments(() -> find(jndiName).orElseThrow(() -> new IllegalStateException("no DataSource at "
                + jndiName + " (set pluginhost.shared-state.datasource to an existing JNDI name)")),
                Duration.ofSeconds(10));
    }

    /** The data source of every plugin that has none of its own. */
    private String hostJndiName() {
        return config.getOptionalValue("pluginhost.datasource", String.class)
                .orElse("java:jboss/datasources/ExampleDS");
    }

    private static DataSource lookup(String plugin, String jndiName) {
        return find(jndiName).orElseThrow(() -> new PluginException("plugin '" + plugin + "': no DataSource at "
                + jndiName + " (set " + ConfigKeys.PLUGIN_PREFIX + plugin + ".datasource or pluginhost.datasource to"
                + " an existing JNDI name)"));
    }

    private static Optional<DataSource> find(String jndiName) {
        try {
            return Optional.of((DataSource) new InitialContext().lookup(jndiName));
        } catch (NamingException | ClassCastException e) {
            return Optional.empty();
        }
    }
}
