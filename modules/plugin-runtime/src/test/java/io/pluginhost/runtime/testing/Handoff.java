package io.pluginhost.runtime.testing;

/**
 * Lets a test plugin hand an object of an API or JDK type (its context, a weak reference to its
 * loader) to the test, through the system properties table, which both can reach. Tests must
 * {@link #take} what they handed off so nothing stays reachable.
 */
public final class Handoff {

    private Handoff() {
    }

    /** Java source a test plugin uses to hand off {@code value} under {@code key}. */
    public static String put(String key, String value) {
        return "System.getProperties().put(\"" + key + "\", " + value + ");";
    }

    @SuppressWarnings("unchecked")
    public static <T> T take(String key) {
        return (T) System.getProperties().remove(key);
    }
}
