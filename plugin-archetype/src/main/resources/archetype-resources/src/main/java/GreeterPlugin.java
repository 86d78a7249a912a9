package ${package};

import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginMetadata;

import java.util.Map;

/** Greets; its greeting word is its own setting {@code greeting} (default "Hello"). */
@PluginMetadata(name = "${pluginName}", version = "${version}", description = "Greets whoever it is given")
public final class GreeterPlugin implements Plugin {

    private volatile String greeting = "Hello";

    @Override
    public void initialize(PluginContext context) {
        greeting = context.config().get("greeting", "Hello");
        context.eventBus().emit("${pluginName}:ready", Map.of("greeting", greeting));
    }

    @Override
    public Object execute(Object input) {
        return greeting + ", " + input + "!";
    }
}
