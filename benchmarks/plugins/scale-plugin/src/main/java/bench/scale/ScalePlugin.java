package bench.scale;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginEvent;
import io.pluginhost.api.PluginMetadata;

/**
 * Counts {@code bench:ping} events; {@code execute} answers the count. It is its own listener, as
 * the PF4J template is its own {@code Consumer}: a lambda would cost each copy a class spun at run
 * time, which is the plugin's choice, not the host's cost.
 */
@PluginMetadata(name = "scale-zq0000", version = "1.0.0")
public final class ScalePlugin implements Plugin, EventListener {

    private int seen;

    @Override
    public void initialize(PluginContext context) {
        context.eventBus().on("bench:ping", this);
    }

    @Override
    public void onEvent(PluginEvent event) {
        seen++;
    }

    @Override
    public Object execute(Object input) {
        return seen;
    }
}
