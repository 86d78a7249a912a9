package io.pluginhost.api.exception;

import java.time.Duration;

/**
 * A plugin's {@code initialize} or {@code cleanup}, or its provider's construction (static initializer
 * and constructor, or {@code provider()}), did not return within the host's deadline. The
 * host stops waiting: the load fails (and is rolled back) or the unload completes without it. The
 * thread still running the plugin's code is named, since it keeps the plugin's class loader alive
 * until it ends.
 */
public class PluginTimeoutException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String pluginName;
    private final String phase;
    private final String threadName;
    private final Duration deadline;

    /**
     * @param pluginName the plugin
     * @param phase      "initialize", "cleanup" or "constructor"
     * @param threadName the thread still running it
     * @param deadline   how long the host waited
     */
    public PluginTimeoutException(String pluginName, String phase, String threadName, Duration deadline) {
        super("plugin '" + pluginName + "': " + phase + " did not return within " + deadline.toMillis() + " ms;"
                + " thread '" + threadName + "' is still running it");
        this.pluginName = pluginName;
        this.phase = phase;
        this.threadName = threadName;
        this.deadline = deadline;
    }

    /** @return the plugin */
    public String pluginName() {
        return pluginName;
    }

    /** @return "initialize", "cleanup" or "constructor" */
    public String phase() {
        return phase;
    }

    /** @return the thread still running the plugin's code */
    public String threadName() {
        return threadName;
    }

    /** @return how long the host waited */
    public Duration deadline() {
        return deadline;
    }
}
