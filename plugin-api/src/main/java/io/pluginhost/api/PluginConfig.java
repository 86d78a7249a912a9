package io.pluginhost.api;

import io.pluginhost.api.exception.InvalidConfigValueException;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A plugin's own settings, from {@link PluginContext#config()}. In WildFly they come from
 * MicroProfile Config keys {@code pluginhost.plugin.<plugin>.config.<key>} (so they differ per
 * environment and profile), and the admin API can replace them, which reloads the plugin; in the
 * container-free engine they come from a map. Fixed for the life of one load: a change reloads the
 * plugin, so {@code initialize} is the place to read them.
 *
 * <p>Typed getters read the text of a value; one that cannot be read as the type throws
 * {@link InvalidConfigValueException} naming the key, the value (not a {@linkplain #isSecret secret's})
 * and the type, rather than falling back to the default silently.
 */
public interface PluginConfig {

    /** @return the value of {@code key}, if set */
    Optional<String> get(String key);

    /** @return the value of {@code key}, or {@code defaultValue} if it is not set */
    default String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** @return the value of {@code key} as an {@code int}, or {@code defaultValue} if not set */
    default int getInt(String key, int defaultValue) {
        return get(key).map(v -> parse(key, v, "an int", Integer::parseInt)).orElse(defaultValue);
    }

    /** @return the value of {@code key} as a {@code long}, or {@code defaultValue} if not set */
    default long getLong(String key, long defaultValue) {
        return get(key).map(v -> parse(key, v, "a long", Long::parseLong)).orElse(defaultValue);
    }

    /** @return the value of {@code key} as a {@code double}, or {@code defaultValue} if not set */
    default double getDouble(String key, double defaultValue) {
        return get(key).map(v -> parse(key, v, "a double", Double::parseDouble)).orElse(defaultValue);
    }

    /** @return the value of {@code key} as a boolean ({@code true} or {@code false}, any case), or {@code defaultValue} */
    default boolean getBoolean(String key, boolean defaultValue) {
        return get(key).map(v -> parse(key, v, "a boolean (true or false)", text -> {
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw new IllegalArgumentException(text);
        })).orElse(defaultValue);
    }

    /**
     * @return the value of {@code key} as a duration, written as ISO-8601 ({@code PT30S}) or as a number
     *         with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}), or {@code defaultValue}
     */
    default Duration getDuration(String key, Duration defaultValue) {
        return get(key).map(v -> parse(key, v, "a duration (PT30S, 500ms, 30s, 5m or 2h)", PluginConfig::duration))
                .orElse(defaultValue);
    }

    /** @return the keys that are set */
    Set<String> keys();

    /** @return every setting, by key; unmodifiable */
    Map<String, String> asMap();

    /**
     * Whether a setting holds a secret, by its name: one that ends with {@code password}, {@code passwd},
     * {@code secret}, {@code key} or {@code token}, or has {@code credential} in it, the rule Spring Boot's actuator
     * applied for years ({@code api-key}, {@code apiKey}, {@code db.password}); or one with any of the words
     * {@code password}, {@code passwd}, {@code pwd}, {@code passphrase}, {@code secret}, {@code pem}, {@code jaas},
     * {@code cookie} or {@code authorization} ({@code ssl.key.passphrase}, {@code private_key_pem},
     * {@code sasl.jaas.config}), or whose last word is {@code auth} ({@code basic-auth}); in any case. Words are
     * split at anything not a letter or digit and where a lowercase letter meets a capital. The host shows such a
     * value to no one but administrators (a viewer of the admin API reads it masked) and never puts it in an error
     * message. It takes a harmless {@code monkey} for a secret too: a value missing from a dashboard is cheaper
     * than a secret in one.
     *
     * @param key a setting's name
     * @return whether its value is a secret
     */
    static boolean isSecret(String key) {
        return Secrets.isSecret(key);
    }

    /**
     * A setting's value as someone who may not read secrets sees it: {@code ******} for a {@linkplain #isSecret
     * secret}, and of any other value the password of every URL in it ({@code postgres://app:******@db/notes}).
     *
     * @param key   the setting's name
     * @param value its value
     * @return the value to show
     */
    static String masked(String key, String value) {
        return Secrets.masked(key, value);
    }

    private static <T> T parse(String key, String value, String type, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value.strip());
        } catch (RuntimeException e) {
            throw new InvalidConfigValueException(key, value, type);
        }
    }

    private static Duration duration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        int split = 0;
        while (split < text.length() && Character.isDigit(text.charAt(split))) {
            split++;
        }
        long amount = Long.parseLong(text.substring(0, split));
        return switch (text.substring(split).strip()) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException(text);
        };
    }
}
