package io.pluginhost.it.support;

import java.util.UUID;

/**
 * A latch in the server's JVM, as Java source for test plugins: one plugin's code waits on it and
 * another's counts it down, so a test that makes a plugin hang waits on conditions, never on a clock.
 * It lives in the system properties under a key of its own (a JDK class: it keeps no plugin's loader).
 */
public final class ServerLatch {

    private final String key;
    private final int count;

    private ServerLatch(String key, int count) {
        this.key = key;
        this.count = count;
    }

    /**
     * @param what  what it is for, in its key
     * @param count how many count-downs open it
     * @return a new latch, unique to this test run
     */
    public static ServerLatch of(String what, int count) {
        return new ServerLatch("it.latch." + what + "." + UUID.randomUUID(), count);
    }

    private String latch() {
        return "((java.util.concurrent.CountDownLatch) System.getProperties().computeIfAbsent(\"" + key
                + "\", k -> new java.util.concurrent.CountDownLatch(" + count + ")))";
    }

    /** @return a statement that waits until the latch opens, at most 120 s, ignoring interrupts as a hung plugin does */
    public String awaitIgnoringInterrupts() {
        return "{ long end = System.nanoTime() + 120_000_000_000L; while (System.nanoTime() < end) { try { if ("
                + latch() + ".await(end - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS)) { break; } }"
                + " catch (InterruptedException ignored) { } } }";
    }

    /** @return an expression, in code that may throw {@code InterruptedException}: whether it opened within 30 s */
    public String openedWithin30Seconds() {
        return openedWithin(30);
    }

    /** @return an expression, in code that may throw {@code InterruptedException}: whether it opened in time */
    public String openedWithin(int seconds) {
        return latch() + ".await(" + seconds + ", java.util.concurrent.TimeUnit.SECONDS)";
    }

    /** @return a statement that counts the latch down */
    public String countDown() {
        return latch() + ".countDown();";
    }
}
