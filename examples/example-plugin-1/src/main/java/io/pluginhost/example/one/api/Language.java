package io.pluginhost.example.one.api;

/**
 * An extension point: a plugin that depends on example-plugin-1 teaches it a language by
 * implementing this interface and declaring {@code provides io.pluginhost.example.one.api.Language
 * with ...;} in its module-info. The greeter asks for the languages loaded now each time it greets.
 */
public interface Language {

    /** @return the language's code, e.g. {@code la} */
    String code();

    /**
     * @param name whom to greet
     * @return the greeting in this language
     */
    String greet(String name);
}
