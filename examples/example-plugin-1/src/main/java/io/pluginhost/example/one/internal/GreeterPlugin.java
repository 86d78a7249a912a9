package io.pluginhost.example.one.internal;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginMetadata;
import io.pluginhost.example.one.api.GreetingService;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Greets; announces itself with a {@code plugin:ready} event. Its package is not exported. Its own
 * setting {@code greeting} (default {@code Hello}) is the word it greets with: in WildFly
 * {@code pluginhost.plugin.example-plugin-1.config.greeting}, or {@code PUT .../config}.
 */
@PluginMetadata(
        name = "example-plugin-1",
        version = "1.0.0",
        description = "Greets people and offers GreetingService to its dependents")
public final class GreeterPlugin implements Plugin, GreetingService {

    private final AtomicLong served = new AtomicLong();
    private volatile String greeting = "Hello";

    @Override
    public void initialize(PluginContext context) {
        greeting = context.config().get("greeting", "Hello");
        context.eventBus().emit("plugin:ready", Map.of(
                "name", context.descriptor().name(),
                "timestamp", System.currentTimeMillis()));
    }

    @Override
    public Object execute(Object input) {
        return greet(String.valueOf(input));
    }

    @Override
    public String greet(String name) {
        served.incrementAndGet();
        return greeting + ", " + name + "!";
    }

    @Override
    public long greetingsServed() {
        return served.get();
    }
}
