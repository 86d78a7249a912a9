package io.pluginhost.api.exception;

/**
 * A plugin, table, topic, bucket or event name (or event pattern) that breaks its naming rules (see
 * {@link io.pluginhost.api.PluginMetadata} and {@link io.pluginhost.api.EventBus}).
 */
public class InvalidNameException extends PluginException {

    private static final long serialVersionUID = 1L;

    /** @param message which name, what rule, and an example of a valid one where useful */
    public InvalidNameException(String message) {
        super(message);
    }
}
