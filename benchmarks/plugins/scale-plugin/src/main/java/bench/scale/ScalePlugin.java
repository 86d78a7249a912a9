package bench.scale;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginMetadata;

/** Counts {@code bench:ping} events; {@code execute} answers the count. */
@PluginMetadata(name = "scale-zq0000", version = "1.0.0")
public final class ScalePlugin implements Plugin {

    private int seen;

    @Override
    public void initialize(PluginContext context) {
        context.eventBus().on("bench:ping", event -> seen++);
    }

    @Override
    public Object execute(Object input) {
        return seen;
    }
}
