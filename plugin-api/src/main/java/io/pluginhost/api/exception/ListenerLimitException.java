package io.pluginhost.api.exception;

/**
 * A plugin tried to hold more event listeners than the host allows one plugin; the listener was not
 * added. Usually a plugin that subscribes in a loop, or on every event, without unsubscribing.
 */
public class ListenerLimitException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String pluginName;
    private final int limit;

    /**
     * @param pluginName the plugin
     * @param limit      how many listeners one plugin may hold
     */
    public ListenerLimitException(String pluginName, int limit) {
        super("plugin '" + pluginName + "' already holds " + limit + " listeners, the most one plugin may hold;"
                + " remove listeners with off() before adding more");
        this.pluginName = pluginName;
        this.limit = limit;
    }

    /** @return the plugin */
    public String pluginName() {
        return pluginName;
    }

    /** @return how many listeners one plugin may hold */
    public int limit() {
        return limit;
    }
}
