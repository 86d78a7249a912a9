package io.pluginhost.runtime.testing;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginLifecycleListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records lifecycle events as text: "loaded a", "unloaded a", "failed a: message". */
public final class RecordingListener implements PluginLifecycleListener {

    public final List<String> events = Collections.synchronizedList(new ArrayList<>());
    public final List<PluginException> errors = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void pluginLoaded(PluginInfo plugin) {
        events.add("loaded " + plugin.name());
    }

    @Override
    public void pluginUnloaded(PluginDescriptor plugin) {
        events.add("unloaded " + plugin.name());
    }

    @Override
    public void pluginFailed(String pluginName, Path source, PluginException error) {
        events.add("failed " + pluginName + ": " + error.getMessage());
        errors.add(error);
    }

    public List<String> lifecycle() {
        synchronized (events) {
            return events.stream().filter(e -> !e.startsWith("failed")).toList();
        }
    }
}
