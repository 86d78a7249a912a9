package io.pluginhost.api.exception;

/**
 * A plugin read one of its settings as a type its value is not, e.g. {@code getInt("retries", 3)}
 * when the value is {@code "three"}. The message names the key, the value and the type, so an
 * operator can fix the setting.
 */
public class InvalidConfigValueException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key   the setting
     * @param value its text
     * @param type  the type asked for, e.g. "an int"
     */
    public InvalidConfigValueException(String key, String value, String type) {
        super("setting '" + key + "' is '" + value + "', which is not " + type);
        this.key = key;
    }

    /** @return the setting at fault */
    public String key() {
        return key;
    }
}
