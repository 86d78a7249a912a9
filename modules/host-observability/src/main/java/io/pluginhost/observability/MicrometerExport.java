package io.pluginhost.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.pluginhost.runtime.PluginMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The host's meters in WildFly's Micrometer subsystem (scraped by Prometheus at the management
 * interface's {@code /prometheus}). WildFly hands a deployment its registry by the calling thread's
 * context class loader, which must be the EAR's own (this library's) loader; the meters are removed
 * when the host stops, so the server's registry never holds the deployment in memory.
 *
 * <p>Meters are made with the registry's own methods ({@code counter}, {@code timer}, {@code gauge}), not
 * with Micrometer's builders: WildFly's per-deployment registry forwards only the former to the
 * exported registries (WildFly 39), and it drops histogram settings either way.
 */
@ApplicationScoped
public class MicrometerExport {

    private static final Logger LOG = Logger.getLogger(MicrometerExport.class.getName());

    @Inject
    Instance<MeterRegistry> registries;

    private volatile MeterRegistry registry;
    /** Held here: the registry keeps a gauge's source only weakly. */
    private volatile IntSupplier notCollected;

    /**
     * @param notCollected how many unloaded plugins' class loaders are still in memory
     * @return the engine's reports as meters, or {@link PluginMetrics#NONE} if the server has no
     *         Micrometer registry for this deployment
     */
    public PluginMetrics start(IntSupplier notCollected) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(MicrometerExport.class.getClassLoader());
        try {
            MeterRegistry found = registries.isResolvable() ? registries.get() : null;
            if (found == null) {
                LOG.info("no Micrometer registry for this deployment: plugin metrics are only in /api/metrics");
                return PluginMetrics.NONE;
            }
            registry = found;
            this.notCollected = notCollected;
            found.gauge("pluginhost.loaders.not.collected", Tags.empty(), notCollected, IntSupplier::getAsInt);
            return new MicrometerPluginMetrics(found);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the Micrometer registry is not usable; plugin metrics are only in /api/metrics", e);
            return PluginMetrics.NONE;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Removes every meter this deployment registered. */
    public void stop() {
        MeterRegistry current = registry;
        registry = null;
        notCollected = null;
        if (current != null) {
            current.getMeters().stream().filter(m -> m.getId().getName().startsWith("pluginhost."))
                    .forEach(current::remove);
        }
    }
}
