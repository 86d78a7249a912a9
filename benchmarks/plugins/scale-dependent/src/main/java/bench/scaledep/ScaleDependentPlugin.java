package bench.scaledep;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginEvent;
import io.pluginhost.api.PluginMetadata;

/**
 * The scale template ({@code bench.scale.ScalePlugin}) with one declared dependency: counts
 * {@code bench:ping} events; {@code execute} answers the count. A copy on purpose: each template is a
 * whole plugin jar, and sharing code with the other would make one depend on the other.
 */
@PluginMetadata(name = "scaledep-zq0000", version = "1.0.0", dependencies = "scale-shared")
public final class ScaleDependentPlugin implements Plugin, EventListener {

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
