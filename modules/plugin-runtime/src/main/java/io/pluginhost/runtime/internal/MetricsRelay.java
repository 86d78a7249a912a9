package io.pluginhost.runtime.internal;

import io.pluginhost.runtime.PluginMetrics;

/**
 * The engine's one reference to the host's {@link PluginMetrics}: every loaded plugin reports through
 * it, so the host can attach metrics after plugins loaded. A failing metrics implementation never
 * fails plugin code: its exceptions are dropped.
 */
public final class MetricsRelay implements PluginMetrics {

    private volatile PluginMetrics target = PluginMetrics.NONE;

    /** @param metrics where reports go from now on */
    public void attach(PluginMetrics metrics) {
        target = metrics == null ? PluginMetrics.NONE : metrics;
    }

    @Override
    public void executed(String plugin, long nanos, boolean failed) {
        try {
            target.executed(plugin, nanos, failed);
        } catch (RuntimeException ignored) {
            // metrics are best effort
        }
    }

    @Override
    public void emitted(String plugin, String event) {
        try {
            target.emitted(plugin, event);
        } catch (RuntimeException ignored) {
            // metrics are best effort
        }
    }

    @Override
    public void received(String plugin) {
        PluginMetrics current = target;
        if (current != PluginMetrics.NONE) { // the hot path of delivery: nothing to do by default
            try {
                current.received(plugin);
            } catch (RuntimeException ignored) {
                // metrics are best effort
            }
        }
    }

    @Override
    public void repositoryCall(String plugin, String kind, boolean failed) {
        try {
            target.repositoryCall(plugin, kind, failed);
        } catch (RuntimeException ignored) {
            // metrics are best effort
        }
    }

    @Override
    public void callbackFailed(String plugin, String kind) {
        try {
            target.callbackFailed(plugin, kind);
        } catch (RuntimeException ignored) {
            // metrics are best effort
        }
    }

    @Override
    public void loaded(String plugin, long nanos) {
        try {
            target.loaded(plugin, nanos);
        } catch (RuntimeException ignored) {
            // metrics are best effort
        }
    }

    @Override
    public void unloaded(String plugin, long nanos) {
        try {
            target.unloaded(plugin, nanos);
        } catch (RuntimeException ignored) {
            // metrics are best effort
        }
    }

    @Override
    public void health(String plugin, boolean up) {
        try {
            target.health(plugin, up);
        } catch (RuntimeException ignored) {
            // metrics are best effort
        }
    }
}
