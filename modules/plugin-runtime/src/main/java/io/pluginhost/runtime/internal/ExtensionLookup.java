package io.pluginhost.runtime.internal;

import java.util.List;

/** Where a plugin's context finds the extensions the loaded plugins provide (the engine's registry). */
public interface ExtensionLookup {

    /**
     * @param type an extension point, an interface other than {@code Plugin}
     * @param <T>  its type
     * @return a handle per implementation, providing plugins in load order
     */
    <T> List<T> extensions(Class<T> type);
}
