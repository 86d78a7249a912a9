package io.pluginhost.host;

import jakarta.json.bind.Jsonb;

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
 * more than {@value #CAPACITY} events behind, further ones are dropped, never blocking a plugin
 * ({@link BoundedHostThread}).
 */
final class HostEventRelay implements AutoCloseable {

    static final int CAPACITY = 10_000;

    private final BoundedHostThread worker;
    private final Jsonb json;

    HostEventRelay(ThreadFactory threads, Jsonb json) {
        this.json = json;
        this.worker = new BoundedHostThread("passing plugin events on to CDI observers, the event stream and other"
                + " nodes", CAPACITY, threads);
    }

    /**
     * @param data a plugin's payload
     * @return the same value as plain JSON types (maps, lists, strings, numbers, booleans), or its text
     */
    Object copy(Object data) {
        if (data == null) {
            return null;
        }
        try {
            return json.fromJson(json.toJson(data), Object.class);
        } catch (RuntimeException e) {
            return String.valueOf(data);
        }
    }

    /** Runs host work on the relay thread. */
    void relay(Runnable work) {
        worker.execute(work);
    }

    @Override
    public void close() {
        worker.close();
    }
}
