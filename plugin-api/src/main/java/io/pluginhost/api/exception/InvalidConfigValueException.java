package io.pluginhost.api.exception;

import io.pluginhost.api.PluginConfig;

/**
 * A plugin read one of its settings as a type its value is not, e.g. {@code getInt("retries", 3)}
 * when the value is {@code "three"}. The message names the key, the value and the type, so an
 * operator can fix the setting; of a value it shows 100 characters at most, of a
 * {@linkplain io.pluginhost.api.PluginConfig#isSecret secret} nothing, and of a URL no password.
 */
public class InvalidConfigValueException extends PluginException {

    private static final long serialVersionUID = 1L;

    /** The most characters of a value a message shows. */
    private static final int SHOWN = 100;

    private final String key;

    /**
     * @param key   the setting
     * @param value its text
     * @param type  the type asked for, e.g. "an int"
     */
    public InvalidConfigValueException(String key, String value, String type) {
        super(PluginConfig.isSecret(key) ? "setting '" + key + "' (a secret: its value is not shown) is not " + type
                : "setting '" + key + "' is '" + shown(PluginConfig.masked(key, value)) + ", which is not " + type);
        this.key = key;
    }

    /** The value in quotes, its first {@value #SHOWN} characters and its length if it is longer. */
    private static String shown(String value) {
        return value.length() <= SHOWN ? value + "'"
                : value.substring(0, SHOWN) + "...' (" + value.length() + " characters)";
    }

    /** @return the setting at fault */
    public String key() {
        return key;
    }
}
