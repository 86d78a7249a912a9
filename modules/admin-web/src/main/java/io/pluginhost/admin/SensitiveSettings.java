package io.pluginhost.admin;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of a plugin's own settings hold a secret, so that a viewer reads them masked: an API token or a
 * password given to a plugin is for its administrators, not for every dashboard with read access. The
 * rule is the one Spring Boot's actuator applied for years: a key that ends with {@code password},
 * {@code secret}, {@code key} or {@code token}, or has {@code credential} in it, in any case
 * ({@code api-key}, {@code apiKey}, {@code db.password}). It masks a harmless {@code monkey} too: a
 * viewer missing a value is cheaper than a viewer reading a secret.
 */
final class SensitiveSettings {

    /** What a viewer reads instead of a secret's value. */
    static final String MASK = "******";

    private static final List<String> ENDINGS = List.of("password", "passwd", "secret", "key", "token");

    private SensitiveSettings() {
    }

    /** @return whether the setting named {@code key} holds a secret */
    static boolean sensitive(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("credential") || ENDINGS.stream().anyMatch(lower::endsWith);
    }

    /** @return the settings, sorted by key, with every secret's value replaced by {@link #MASK} */
    static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> masked = new TreeMap<>();
        settings.forEach((key, value) -> masked.put(key, sensitive(key) ? MASK : value));
        return masked;
    }
}
