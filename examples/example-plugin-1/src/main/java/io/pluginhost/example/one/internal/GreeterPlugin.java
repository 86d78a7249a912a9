package io.pluginhost.example.one.internal;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginMetadata;
import io.pluginhost.example.one.api.GreetingService;
import io.pluginhost.example.one.api.Language;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Greets; announces itself with a {@code plugin:ready} event. Its package is not exported. Its own
 * setting {@code greeting} (default {@code Hello}) is the word it greets with: in WildFly
 * {@code pluginhost.plugin.example-plugin-1.config.greeting}, or {@code PUT .../config}. Other
 * plugins can teach it languages through its extension point {@link Language}.
 */
@PluginMetadata(
        name = "example-plugin-1",
        version = "1.0.0",
        description = "Greets people and offers GreetingService to its dependents")
public final class GreeterPlugin implements Plugin, GreetingService {

    private final AtomicLong served = new AtomicLong();
    private volatile String greeting = "Hello";
    private volatile PluginContext context;

    @Override
    public void initialize(PluginContext context) {
        this.context = context;
        greeting = context.config().get("greeting", "Hello");
        context.eventBus().emit("plugin:ready", Map.of(
                "name", context.descriptor().name(),
                "timestamp", System.currentTimeMillis()));
    }

    /**
     * @param input whom to greet, or {@code {"name": "Ada", "language": "la"}} to greet in a language a
     *              loaded plugin provides
     * @return the greeting
     */
    @Override
    public Object execute(Object input) {
        if (input instanceof Map<?, ?> request && request.get("language") != null) {
            String code = String.valueOf(request.get("language"));
            String name = String.valueOf(request.get("name"));
            for (Language language : context.extensions(Language.class)) {
                if (language.code().equals(code)) {
                    served.incrementAndGet();
                    return language.greet(name);
                }
            }
            return "No plugin loaded now speaks '" + code + "'.";
        }
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
