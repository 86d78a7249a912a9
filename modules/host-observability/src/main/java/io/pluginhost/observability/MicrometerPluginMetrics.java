package io.pluginhost.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pluginhost.runtime.PluginMetrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's per-plugin reports as Micrometer meters, each tagged {@code plugin}; Prometheus names:
 * <ul>
 *   <li>{@code pluginhost_plugin_executions_seconds_count/_sum/_max{plugin, outcome=success|error}};</li>
 *   <li>{@code pluginhost_plugin_execution_latency_total{plugin, le}}: cumulative counts of calls
 *       that took at most {@code le} seconds ({@code +Inf} counts all), the buckets of a classic
 *       Prometheus histogram ({@code histogram_quantile} works on them); WildFly's registry drops a
 *       Timer's own histogram settings;</li>
 *   <li>{@code pluginhost_plugin_events_total{plugin, direction=emitted|received}};</li>
 *   <li>{@code pluginhost_plugin_repository_calls_total{plugin, kind=database|kafka|s3, outcome}};</li>
 *   <li>{@code pluginhost_plugin_callback_errors_total{plugin, kind=listener|task|handler|extension}}: plugin
 *       code no caller waited for that threw;</li>
 *   <li>{@code pluginhost_plugin_load_seconds_*} and {@code pluginhost_plugin_unload_seconds_*};</li>
 *   <li>{@code pluginhost_plugin_health{plugin}}: 1 up, 0 down, as the plugin's own health check last answered
 *       (when readiness or an operator asked); none for a plugin without one, and gone at its unload.</li>
 * </ul>
 * Meters are looked up once per plugin and kept, so a report costs a map read and an add.
 */
final class MicrometerPluginMetrics implements PluginMetrics {

    /** Upper bounds of the latency buckets, in nanoseconds; the last bucket ({@code +Inf}) is implied. */
    private static final long[] BOUNDS = {1_000_000L, 5_000_000L, 10_000_000L, 50_000_000L, 100_000_000L,
        500_000_000L, 1_000_000_000L, 5_000_000_000L};

    private static final String HEALTH = "pluginhost.plugin.health";

    private final MeterRegistry registry;
    private final Map<String, Meters> byPlugin = new ConcurrentHashMap<>();
    /** Each loaded plugin's last answer, 1 or 0, held here: the registry holds a gauge's source weakly. */
    private final Map<String, AtomicInteger> health = new ConcurrentHashMap<>();

    MicrometerPluginMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private final class Meters {
        final Timer executed;
        final Timer failed;
        final Counter emitted;
        final Counter received;
        final Counter[] calls = new Counter[REPOSITORY_KINDS.size()];
        final Counter[] errors = new Counter[REPOSITORY_KINDS.size()];
        final Counter[] callbackErrors = new Counter[CALLBACK_KINDS.size()];
        final Timer load;
        final Timer unload;
        final Counter[] buckets = new Counter[BOUNDS.length + 1];

        Meters(String plugin) {
            for (int i = 0; i <= BOUNDS.length; i++) {
                String le = i == BOUNDS.length ? "+Inf" : Double.toString(BOUNDS[i] / 1e9);
                buckets[i] = registry.counter("pluginhost.plugin.execution.latency", "plugin", plugin, "le", le);
            }
            executed = execution(plugin, "success");
            failed = execution(plugin, "error");
            emitted = events(plugin, "emitted");
            received = events(plugin, "received");
            for (int i = 0; i < REPOSITORY_KINDS.size(); i++) {
                calls[i] = repositoryCalls(plugin, REPOSITORY_KINDS.get(i), "success");
                errors[i] = repositoryCalls(plugin, REPOSITORY_KINDS.get(i), "error");
            }
            for (int i = 0; i < CALLBACK_KINDS.size(); i++) {
                callbackErrors[i] = registry.counter("pluginhost.plugin.callback.errors", "plugin", plugin, "kind",
                        CALLBACK_KINDS.get(i));
            }
            load = registry.timer("pluginhost.plugin.load", "plugin", plugin);
            unload = registry.timer("pluginhost.plugin.unload", "plugin", plugin);
        }

        private Timer execution(String plugin, String outcome) {
            return registry.timer("pluginhost.plugin.executions", "plugin", plugin, "outcome", outcome);
        }

        private Counter events(String plugin, String direction) {
            return registry.counter("pluginhost.plugin.events", "plugin", plugin, "direction", direction);
        }

        private Counter repositoryCalls(String plugin, String kind, String outcome) {
            return registry.counter("pluginhost.plugin.repository.calls", "plugin", plugin, "kind", kind,
                    "outcome", outcome);
        }
    }

    private Meters of(String plugin) {
        return byPlugin.computeIfAbsent(plugin, Meters::new);
    }

    @Override
    public void executed(String plugin, long nanos, boolean failed) {
        Meters meters = of(plugin);
        (failed ? meters.failed : meters.executed).record(nanos, TimeUnit.NANOSECONDS);
        for (int i = BOUNDS.length; i >= 0 && (i == BOUNDS.length || nanos <= BOUNDS[i]); i--) {
            meters.buckets[i].increment();
        }
    }

    @Override
    public void emitted(String plugin, String event) {
        of(plugin).emitted.increment();
    }

    @Override
    public void received(String plugin) {
        of(plugin).received.increment();
    }

    @Override
    public void repositoryCall(String plugin, String kind, boolean failed) {
        int i = REPOSITORY_KINDS.indexOf(kind);
        if (i >= 0) {
            Meters meters = of(plugin);
            (failed ? meters.errors[i] : meters.calls[i]).increment();
        }
    }

    @Override
    public void callbackFailed(String plugin, String kind) {
        int i = CALLBACK_KINDS.indexOf(kind);
        if (i >= 0) {
            of(plugin).callbackErrors[i].increment();
        }
    }

    @Override
    public void loaded(String plugin, long nanos) {
        of(plugin).load.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void unloaded(String plugin, long nanos) {
        of(plugin).unload.record(nanos, TimeUnit.NANOSECONDS);
        if (health.remove(plugin) != null) { // not loaded: no word on its health
            Gauge gauge = registry.find(HEALTH).tag("plugin", plugin).gauge();
            if (gauge != null) {
                registry.remove(gauge);
            }
        }
    }

    @Override
    public void health(String plugin, boolean up) {
        health.computeIfAbsent(plugin, name -> registry.gauge(HEALTH, Tags.of("plugin", name), new AtomicInteger(),
                AtomicInteger::get)).set(up ? 1 : 0);
    }
}
