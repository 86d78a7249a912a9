package io.pluginhost.api;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules behind {@link PluginConfig#isSecret} and {@link PluginConfig#masked}: which settings hold a secret by
 * their name, and the password a URL carries in any other value.
 */
final class Secrets {

    static final String MASK = "******";

    /** Endings of a name run together ({@code apikey}, {@code DBPASSWORD}, {@code accesstoken}). */
    private static final String[] ENDINGS = {"password", "passwd", "secret", "key", "token"};

    /** Words that name a secret wherever they stand in a name: {@code ssl.key.passphrase}, {@code key_pem}. */
    private static final Set<String> WORDS = Set.of("password", "passwd", "pwd", "passphrase", "secret", "secrets",
            "pem", "jaas", "cookie", "authorization");

    /** Words that name a secret as a name's last word: {@code basic-auth}, not {@code auth-mode}. */
    private static final Set<String> LAST_WORDS = Set.of("auth");

    /** Splits a name into words: at anything not a letter or digit, and where a lowercase letter meets a capital. */
    private static final Pattern WORD_BREAK = Pattern.compile("[^\\p{Alnum}]+|(?<=\\p{Ll})(?=\\p{Lu})");

    /** The password of a URL's user information: {@code scheme://user:password@host}. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s@:]*:)"
            + "[^/?#\\s@]*@");

    private Secrets() {
    }

    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.contains("credential")) {
            return true;
        }
        for (String ending : ENDINGS) {
            if (lower.endsWith(ending)) {
                return true;
            }
        }
        String[] words = WORD_BREAK.split(key);
        for (String word : words) {
            if (WORDS.contains(word.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return words.length > 0 && LAST_WORDS.contains(words[words.length - 1].toLowerCase(Locale.ROOT));
    }

    static String masked(String key, String value) {
        if (value == null) {
            return null;
        }
        return isSecret(key) ? MASK : URL_PASSWORD.matcher(value).replaceAll("$1" + MASK + "@");
    }
}
