package io.pluginhost.host;

import io.pluginhost.resource.database.DatabaseRepositoryProvider;
import io.pluginhost.runtime.DirectoryLoadResult;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.PluginManager;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The plugin host inside WildFly: owns the engine for the lifetime of the deployment. At start-up
 * it wires the container's services into the engine and loads the plugin directory in dependency
 * order (a bad plugin is reported and skipped); on shutdown or undeploy it unloads everything,
 * dependents first, so no plugin class loader outlives the deployment.
 *
 * <p>Concurrency is the engine's own (it serializes lifecycle operations and lets calls run in
 * parallel), so the bean uses bean-managed concurrency rather than the container's lock.
 *
 * <p>Configuration (MicroProfile Config, so system property &gt; environment variable &gt; file):
 * {@code pluginhost.plugin-dir} (default {@code <jboss.server.data.dir>/plugins}),
 * {@code pluginhost.datasource} (default {@code java:jboss/datasources/ExampleDS}),
 * {@code pluginhost.database.enabled} (default true), {@code pluginhost.database.roles} (a role per
 * plugin on PostgreSQL, default true), {@code pluginhost.unload.drain-seconds} (default 30).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class PluginHost {

    private static final Logger LOG = Logger.getLogger(PluginHost.class.getName());

    @Inject
    Config config;

    @Inject
    Event<PluginLifecycleEvent> lifecycle;

    @Resource
    ManagedExecutorService executor;

    private ModuleLayerPluginManager engine;
    private Path pluginDirectory;

    @PostConstruct
    void start() {
        pluginDirectory = config.getOptionalValue("pluginhost.plugin-dir", String.class)
                .map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("jboss.server.data.dir", "."), "plugins"))
                .toAbsolutePath().normalize();
        HostServices services = HostServices.NONE;
        if (config.getOptionalValue("pluginhost.database.enabled", Boolean.class).orElse(true)) {
            String jndiName = config.getOptionalValue("pluginhost.datasource", String.class)
                    .orElse("java:jboss/datasources/ExampleDS");
            boolean roles = config.getOptionalValue("pluginhost.database.roles", Boolean.class).orElse(true);
            services = services.withDatabase(new DatabaseRepositoryProvider(lookup(jndiName), executor,
                    Duration.ofSeconds(5), roles));
        }
        int drainSeconds = config.getOptionalValue("pluginhost.unload.drain-seconds", Integer.class).orElse(30);
        engine = new ModuleLayerPluginManager(services, Duration.ofSeconds(drainSeconds));
        engine.addLifecycleListener(new CdiLifecycleBridge(lifecycle));
        if (Files.isDirectory(pluginDirectory)) {
            DirectoryLoadResult result = engine.loadDirectory(pluginDirectory);
            LOG.info(() -> "loaded " + result.loaded().size() + " plugin(s) from " + pluginDirectory + "; "
                    + result.failed().size() + " failed");
            result.failed().forEach((jar, error) -> LOG.warning(jar + ": " + error.getMessage()));
        } else {
            LOG.info(() -> "plugin directory " + pluginDirectory + " does not exist; no plugin loaded at start-up");
        }
    }

    @PreDestroy
    void stop() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    /** @return the engine */
    public PluginManager plugins() {
        return engine;
    }

    /** @return the directory plugins are loaded from; REST loads may name only jars inside it */
    public Path pluginDirectory() {
        return pluginDirectory;
    }

    private static DataSource lookup(String jndiName) {
        try {
            return (DataSource) new InitialContext().lookup(jndiName);
        } catch (NamingException e) {
            LOG.log(Level.SEVERE, "no DataSource at " + jndiName, e);
            throw new IllegalStateException("pluginhost.datasource: no DataSource at " + jndiName
                    + "; configure an existing JNDI name or set pluginhost.database.enabled=false", e);
        }
    }
}
