package io.pluginhost.host;

import io.pluginhost.runtime.PluginMetrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's per-plugin metrics kept as counters in the host, for the admin API and the console. A
 * plugin's counters live from its first report until the host stops, so a reload does not reset them
 * (as a Prometheus counter would not). Adders, not locks: reports come from plugin threads.
 */
final class PluginCounters implements PluginMetrics {

    private final Map<String, Counters> byPlugin = new ConcurrentHashMap<>();

    private Counters of(String plugin) {
        return byPlugin.computeIfAbsent(plugin, p -> new Counters());
    }

    @Override
    public void executed(String plugin, long nanos, boolean failed) {
        Counters counters = of(plugin);
        counters.executions.increment();
        counters.executionNanos.add(nanos);
        counters.executionMaxNanos.accumulateAndGet(nanos, Math::max);
        if (failed) {
            counters.executionErrors.increment();
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
        int index = REPOSITORY_KINDS.indexOf(kind);
        if (index < 0) {
            return;
        }
        Counters counters = of(plugin);
        counters.repositoryCalls[index].increment();
        if (failed) {
            counters.repositoryErrors[index].increment();
        }
    }

    @Override
    public void callbackFailed(String plugin, String kind) {
        int index = CALLBACK_KINDS.indexOf(kind);
        if (index >= 0) {
            of(plugin).callbackErrors[index].increment();
        }
    }

    @Override
    public void loaded(String plugin, long nanos) {
        Counters counters = of(plugin);
        counters.loads.increment();
        counters.lastLoadNanos.set(nanos);
    }

    @Override
    public void unloaded(String plugin, long nanos) {
        Counters counters = of(plugin);
        counters.unloads.increment();
        counters.lastUnloadNanos.set(nanos);
    }

    /** @return every plugin that reported anything, by name, as JSON-ready maps */
    Map<String, Map<String, Object>> snapshot() {
        Map<String, Map<String, Object>> all = new TreeMap<>();
        byPlugin.forEach((plugin, counters) -> all.put(plugin, counters.snapshot()));
        return all;
    }

    private static final class Counters {
        final LongAdder executions = new LongAdder();
        final LongAdder executionErrors = new LongAdder();
        final LongAdder executionNanos = new LongAdder();
        final AtomicLong executionMaxNanos = new AtomicLong();
        final LongAdder emitted = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder[] repositoryCalls = adders(REPOSITORY_KINDS.size());
        final LongAdder[] repositoryErrors = adders(REPOSITORY_KINDS.size());
        final LongAdder[] callbackErrors = adders(CALLBACK_KINDS.size());
        final LongAdder loads = new LongAdder();
        final LongAdder unloads = new LongAdder();
        final AtomicLong lastLoadNanos = new AtomicLong();
        final AtomicLong lastUnloadNanos = new AtomicLong();

        private static LongAdder[] adders(int count) {
            LongAdder[] adders = new LongAdder[count];
            java.util.Arrays.setAll(adders, i -> new LongAdder());
            return adders;
        }

        Map<String, Object> snapshot() {
            Map<String, Object> view = new LinkedHashMap<>();
            long executed = executions.sum();
            view.put("executions", executed);
            view.put("executionErrors", executionErrors.sum());
            view.put("executionMeanMillis", executed == 0 ? 0.0 : executionNanos.sum() / 1e6 / executed);
            view.put("executionMaxMillis", executionMaxNanos.get() / 1e6);
            view.put("eventsEmitted", emitted.sum());
            view.put("eventsReceived", received.sum());
            Map<String, Long> calls = new LinkedHashMap<>();
            Map<String, Long> errors = new LinkedHashMap<>();
            for (int i = 0; i < REPOSITORY_KINDS.size(); i++) {
                calls.put(REPOSITORY_KINDS.get(i), repositoryCalls[i].sum());
                errors.put(REPOSITORY_KINDS.get(i), repositoryErrors[i].sum());
            }
            view.put("repositoryCalls", calls);
            view.put("repositoryErrors", errors);
            Map<String, Long> callbacks = new LinkedHashMap<>();
            for (int i = 0; i < CALLBACK_KINDS.size(); i++) {
                callbacks.put(CALLBACK_KINDS.get(i), callbackErrors[i].sum());
            }
            view.put("callbackErrors", callbacks);
            view.put("loads", loads.sum());
            view.put("unloads", unloads.sum());
            view.put("lastLoadMillis", lastLoadNanos.get() / 1e6);
            view.put("lastUnloadMillis", lastUnloadNanos.get() / 1e6);
            return view;
        }
    }
}
