package io.pluginhost.host;

import io.pluginhost.runtime.PluginMetrics;

/** Reports to the host's counters (the admin API and console) and to Micrometer (Prometheus). */
record BothMetrics(PluginMetrics first, PluginMetrics second) implements PluginMetrics {

    @Override
    public void executed(String plugin, long nanos, boolean failed) {
        first.executed(plugin, nanos, failed);
        second.executed(plugin, nanos, failed);
    }

    @Override
    public void emitted(String plugin, String event) {
        first.emitted(plugin, event);
        second.emitted(plugin, event);
    }

    @Override
    public void received(String plugin) {
        first.received(plugin);
        second.received(plugin);
    }

    @Override
    public void repositoryCall(String plugin, String kind, boolean failed) {
        first.repositoryCall(plugin, kind, failed);
        second.repositoryCall(plugin, kind, failed);
    }

    @Override
    public void callbackFailed(String plugin, String kind) {
        first.callbackFailed(plugin, kind);
        second.callbackFailed(plugin, kind);
    }

    @Override
    public void loaded(String plugin, long nanos) {
        first.loaded(plugin, nanos);
        second.loaded(plugin, nanos);
    }

    @Override
    public void unloaded(String plugin, long nanos) {
        first.unloaded(plugin, nanos);
        second.unloaded(plugin, nanos);
    }

    @Override
    public void health(String plugin, boolean up) {
        first.health(plugin, up);
        second.health(plugin, up);
    }
}
