package io.pluginhost.host;

import java.util.concurrent.ThreadFactory;

/**
 * Runs the host's reactions to plugin events (CDI observers, the server-sent-events stream, the JMS
 * bridge) on one host thread, started when the host starts, never on the plugin's thread.
 *
 * <p>Why: host code run on a plugin's thread can make the container start a thread (Undertow's
 * workers, a managed executor's, the JMS sender) while the plugin's frames are on the stack, and such
 * a thread keeps the plugin's class loader for life (its context loader and, up to JDK 23, its
 * inherited access-control context). The payload is copied to plain JSON values on the emitting
 * thread, so nothing of the plugin's crosses to the relay. Events keep their order; if the host falls
 * more than {@value #CAPACITY} events or {@link #MAX_CHARS} characters of payload behind, further ones
 * are dropped, never blocking a plugin ({@link BoundedHostThread}).
 */
final class HostEventRelay implements AutoCloseable {

    static final int CAPACITY = 10_000;
    /** The most payload, in characters of JSON, the waiting events may hold (about 64 MB). */
    static final long MAX_CHARS = 64L << 20;

    private final BoundedHostThread worker;
    private final PluginObjectJson json;

    HostEventRelay(ThreadFactory threads, PluginObjectJson json) {
        this.json = json;
        this.worker = new BoundedHostThread("passing plugin events on to CDI observers, the event stream and other"
                + " nodes", CAPACITY, MAX_CHARS, threads);
    }

    /** A plugin's payload as plain JSON values, and the length of its JSON text. */
    record Copy(Object value, int chars) {
    }

    /**
     * @param data a plugin's payload
     * @return the same value as plain JSON types (maps, lists, strings, numbers, booleans), or its text
     *         when it is not JSON-shaped
     */
    Copy copy(Object data) {
        if (data == null) {
            return new Copy(null, 0);
        }
        try {
            String text = json.toJson(data);
            return new Copy(json.fromJson(text), text.length());
        } catch (RuntimeException | StackOverflowError e) { // not JSON-shaped, or cyclic
            String text = text(data);
            return new Copy(text, text.length());
        }
    }

    /** @return the payload's own text, or what it is when even that fails (a cyclic structure) */
    private static String text(Object data) {
        try {
            return String.valueOf(data);
        } catch (RuntimeException | StackOverflowError e) {
            return "a " + data.getClass().getName() + " that cannot be written as JSON or text (cyclic, or nested"
                    + " too deeply)";
        }
    }

    /** Runs host work on the relay thread. */
    void relay(Runnable work) {
        worker.execute(work);
    }

    /** Runs host work that holds a payload of {@code chars} characters on the relay thread. */
    void relay(Runnable work, int chars) {
        worker.execute(work, chars);
    }

    @Override
    public void close() {
        worker.close();
    }
}
