package io.pluginhost.example.two;

import io.pluginhost.example.one.api.Language;

/** Teaches example-plugin-1 Latin: an implementation of its extension point {@link Language}. */
public final class Latin implements Language {

    @Override
    public String code() {
        return "la";
    }

    @Override
    public String greet(String name) {
        return "Salve, " + name + "!";
    }
}
