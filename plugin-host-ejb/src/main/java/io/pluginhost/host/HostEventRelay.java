package io.pluginhost.host;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the host's reactions to plugin events (CDI observers, the server-sent-events stream, the JMS
 * bridge) on one host thread, started when the host starts, never on the plugin's thread.
 *
 * <p>Why: host code run on a plugin's thread can make the container start a thread (Undertow's
 * workers, a managed executor's, the JMS sender) while the plugin's frames are on the stack, and such
 * a thread keeps the plugin's class loader for life (its context loader and, up to JDK 23, its
 * inherited access-control context). The payload is copied to plain JSON values on the emitting
 * thread, so nothing of the plugin's crosses to the relay; one whose JSON is longer than
 * {@code pluginhost.events.max-payload-chars} is not copied, nor passed on. Events keep their order; if the host falls
 * more than {@value #CAPACITY} events or {@link #MAX_CHARS} characters of payload behind, further ones
 * are dropped, never blocking a plugin ({@link BoundedHostThread}).
 */
final class HostEventRelay implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HostEventRelay.class.getName());

    static final int CAPACITY = 10_000;
    /** The most payload, in characters of JSON, the waiting events may hold (about 64 MB). */
    static final long MAX_CHARS = 64L << 20;

    private final BoundedHostThread worker;
    private final PluginObjectJson json;
    private final int maxPayloadChars;
    /** Plugins whose oversized event was logged at WARNING since they loaded; "" for the host. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param maxPayloadChars the most characters of JSON one event's payload may have to be passed on
     *                        ({@code pluginhost.events.max-payload-chars})
     */
    HostEventRelay(ThreadFactory threads, PluginObjectJson json, int maxPayloadChars) {
        if (maxPayloadChars < 1) {
            throw new IllegalArgumentException("pluginhost.events.max-payload-chars must be at least 1; got "
                    + maxPayloadChars);
        }
        this.json = json;
        this.maxPayloadChars = maxPayloadChars;
        this.worker = new BoundedHostThread("passing plugin events on to CDI observers, the event stream and other"
                + " nodes", CAPACITY, MAX_CHARS, threads);
    }

    /** A plugin's payload as plain JSON values, and the length of its JSON text. */
    record Copy(Object value, int chars) {
    }

    /**
     * Copies a payload, writing no more of it than the limit: a payload of tens of megabytes, written whole and
     * read back (and then sent to other nodes and every event stream client), ran the server out of heap.
     *
     * @param data a plugin's payload
     * @return the same value as plain JSON types (maps, lists, strings, numbers, booleans), or its text
     *         when it is not JSON-shaped; empty if its JSON (or text) is longer than the limit
     */
    Optional<Copy> copy(Object data) {
        if (data == null) {
            return Optional.of(new Copy(null, 0));
        }
        try {
            return json.toJson(data, maxPayloadChars).map(text -> new Copy(json.fromJson(text), text.length()));
        } catch (RuntimeException | StackOverflowError e) { // not JSON-shaped, or cyclic
            String plain = text(data);
            return plain.length() > maxPayloadChars ? Optional.empty() : Optional.of(new Copy(plain, plain.length()));
        }
    }

    /**
     * Says that an event was not passed on for its payload's size: at WARNING for a plugin's first such event,
     * then at FINE until it unloads ({@link #forget}), so a plugin that emits them in a loop does not flood the log.
     *
     * @param source the emitting plugin, or {@code null} for the host
     * @param event  the event's name
     */
    void notPassedOn(String source, String event) {
        String who = source == null ? "the host" : "plugin '" + source + "'";
        boolean first = warned.add(source == null ? "" : source);
        LOG.log(first ? Level.WARNING : Level.FINE, () -> who + " emitted event '" + event + "' with a payload over "
                + maxPayloadChars + " characters of JSON (pluginhost.events.max-payload-chars): the plugins on this"
                + " node received it; CDI observers, the event stream and other nodes did not"
                + (first ? ". Further such events of " + who + " are logged at DEBUG until it unloads" : ""));
    }

    /** A plugin unloaded: its next oversized event is logged at WARNING again. */
    void forget(String plugin) {
        warned.remove(plugin);
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
