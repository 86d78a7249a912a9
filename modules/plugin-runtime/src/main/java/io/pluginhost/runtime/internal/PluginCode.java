package io.pluginhost.runtime.internal;

import java.util.concurrent.Callable;

/** Runs plugin code with the plugin's class loader as the thread's context class loader. */
public final class PluginCode {

    private PluginCode() {
    }

    /**
     * @param loader the plugin's class loader
     * @param code   the plugin code
     * @param <T>    its result
     * @return the result
     * @throws Exception whatever the code throws
     */
    public static <T> T callWithContextLoader(ClassLoader loader, Callable<T> code) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return code.call();
        } finally {
            // Always restore: a pool thread left pointing at a plugin loader would keep it alive.
            thread.setContextClassLoader(previous);
        }
    }
}
