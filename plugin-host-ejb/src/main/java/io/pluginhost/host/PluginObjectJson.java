package io.pluginhost.host;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/**
 * JSON-B for objects of plugins' classes: an {@code execute} result, an event's payload. Yasson keeps a
 * model of every class it has written for the life of its {@link Jsonb}, so one Jsonb shared for the
 * host's life would keep the class, and so the class loader, of every plugin whose record or bean it
 * ever wrote. This one is replaced when a plugin unloads ({@link #forgetPluginClasses}); a write in
 * progress finishes on the one it began with. Thread-safe.
 */
public final class PluginObjectJson {

    private volatile Jsonb json = JsonbBuilder.create();

    /**
     * @param value a plugin's object
     * @return its JSON text
     * @throws RuntimeException           if it is not JSON-shaped (JSON-B's exception)
     * @throws StackOverflowError if it is cyclic or nested too deeply
     */
    public String toJson(Object value) {
        return json.toJson(value);
    }

    /**
     * @param value a plugin's object
     * @param to    where its JSON text goes
     * @throws RuntimeException   if it is not JSON-shaped, or writing to {@code to} failed (JSON-B's exception)
     * @throws StackOverflowError if it is cyclic or nested too deeply
     */
    public void toJson(Object value, java.io.Writer to) {
        json.toJson(value, to);
    }

    /**
     * @param text JSON text
     * @return its value as plain JSON types (maps, lists, strings, numbers, booleans)
     */
    public Object fromJson(String text) {
        return json.fromJson(text, Object.class);
    }

    /** Drops the models of the classes written so far: a plugin unloaded, and its classes must go. */
    public void forgetPluginClasses() {
        // Not closed: a write on another thread may still use it; it holds nothing but memory.
        json = JsonbBuilder.create();
    }
}
