package io.pluginhost.host;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.resource.database.DatabaseRepositoryProvider;
import io.pluginhost.resource.database.DatabaseTaskLeases;
import io.pluginhost.resource.database.DatabaseSettings;
import io.pluginhost.runtime.TaskLeases;
import io.pluginhost.runtime.resource.RepositoryProvider;
import io.pluginhost.runtime.resource.ResourceScope;
import org.eclipse.microprofile.config.Config;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Chooses each plugin's container DataSource: {@code pluginhost.plugin.<name>.datasource}, else
 * {@code pluginhost.datasource} (default WildFly's ExampleDS). The name is looked up when the plugin
 * loads, so a DataSource deployed after the host is found by the plugins loaded after it.
 */
final class PluginDatabases implements RepositoryProvider<DatabaseRepository>, AutoCloseable {

    private final Config config;
    private final ExecutorService parser;
    private final DatabaseSettings settings;
    private final Map<String, DatabaseRepositoryProvider> byJndiName = new ConcurrentHashMap<>();

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
        DatabaseRepositoryProvider provider = byJndiName.computeIfAbsent(jndiNameOf(scope.pluginName()),
                name -> new DatabaseRepositoryProvider(lookup(scope.pluginName(), name), parser, settings));
        return provider.open(scope);
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
        byJndiName.values().forEach(DatabaseRepositoryProvider::close);
        byJndiName.clear();
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
