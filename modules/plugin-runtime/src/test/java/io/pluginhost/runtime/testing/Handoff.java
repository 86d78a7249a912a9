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

    /**
     * Hands a latch to test plugins under {@code key}; {@link #awaitLatch} is the plugin side. The
     * test counts it down to let a plugin that simulates a hang go on.
     */
    public static java.util.concurrent.CountDownLatch latch(String key) {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        System.getProperties().put(key, latch);
        return latch;
    }

    /**
     * Java source a test plugin uses to wait for the latch under {@code key}, ignoring interruption
     * as a plugin that hangs would.
     */
    public static String awaitLatch(String key) {
        return "java.util.concurrent.CountDownLatch latch = (java.util.concurrent.CountDownLatch)"
                + " System.getProperties().get(\"" + key + "\");"
                + " while (true) { try { latch.await(); break; } catch (InterruptedException ignored) { } }";
    }

    /** Java source a test plugin uses to count down the latch under {@code key}. */
    public static String countDown(String key) {
        return "((java.util.concurrent.CountDownLatch) System.getProperties().get(\"" + key + "\")).countDown();";
    }
}
