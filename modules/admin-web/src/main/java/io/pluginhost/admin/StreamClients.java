package io.pluginhost.admin;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The event stream's clients, each sent every event on its own. JAX-RS's {@code SseBroadcaster} is not
 * used: RESTEasy's sends to one client only after the send to the client before it completed, so a
 * client that stopped reading (a sleeping laptop's tab, a buffering proxy) held every other client's
 * events for as long as its connection stayed open.
 *
 * <p>A send completes when the container has written the event; until then it counts as unsent. A
 * client whose unsent events exceed {@code backlogChars} characters when the next event comes is closed (a browser's
 * {@code EventSource} reconnects by itself), so a client that reads nothing costs a bounded amount of
 * memory. A client whose send fails or whose sink is closed is forgotten. Thread-safe: events come
 * from the host's relay thread, clients from request threads, completions from the container's I/O
 * threads.
 */
final class StreamClients {

    private static final Logger LOG = Logger.getLogger(StreamClients.class.getName());

    private final long backlogChars;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();

    /** @param backlogChars the most unsent event data one client may have, in characters */
    StreamClients(long backlogChars) {
        if (backlogChars <= 0) {
            throw new IllegalArgumentException("the stream clients' backlog must be positive; got " + backlogChars);
        }
        this.backlogChars = backlogChars;
    }

    /** Adds a client and sends it its first event. */
    void add(SseEventSink sink, OutboundSseEvent first, int chars) {
        Client client = new Client(sink);
        clients.add(client);
        send(client, first, chars);
    }

    /**
     * Sends an event to every client, none waiting for another.
     *
     * @param chars the event's size, counted against each client's backlog
     */
    void sendToAll(OutboundSseEvent event, int chars) {
        for (Client client : clients) {
            send(client, event, chars);
        }
    }

    /** @return how many clients are connected */
    int size() {
        return clients.size();
    }

    /** Closes every client's stream. */
    void closeAll() {
        for (Client client : clients) {
            forget(client);
        }
    }

    private void send(Client client, OutboundSseEvent event, int chars) {
        if (client.sink.isClosed()) {
            forget(client);
            return;
        }
        // Judged before this event counts, so one event larger than the backlog still reaches a client
        // that reads: what a client may hold unsent is the backlog plus one event.
        long unsent = client.unsentChars.get();
        if (unsent > backlogChars) {
            if (forget(client)) {
                LOG.warning("an event stream client has not read " + unsent + " characters of events (over"
                        + " pluginhost.events.client-backlog-chars, " + backlogChars + "); its stream is closed");
            }
            return;
        }
        client.unsentChars.addAndGet(chars);
        CompletionStage<?> sent;
        try {
            sent = client.sink.send(event);
        } catch (RuntimeException e) {
            gone(client, e);
            return;
        }
        sent.whenComplete((ignored, error) -> {
            client.unsentChars.addAndGet(-chars);
            if (error != null) {
                gone(client, error);
            }
        });
    }

    private void gone(Client client, Throwable why) {
        if (forget(client)) {
            // A closed browser tab ends this way; it is not a fault of the server, so no stack trace.
            LOG.info("an event stream client is gone: " + why);
        }
    }

    /** @return whether this call removed the client (so each client is reported once) */
    private boolean forget(Client client) {
        if (!clients.remove(client)) {
            return false;
        }
        if (client.sink.isClosed()) {
            return true; // the container closes a sink whose write failed; closing it again logs an error
        }
        try {
            client.sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing an event stream client failed", e);
        }
        return true;
    }

    /** One connected client; identity equality, as each connection is its own. */
    private static final class Client {
        final SseEventSink sink;
        final AtomicLong unsentChars = new AtomicLong();

        Client(SseEventSink sink) {
            this.sink = sink;
        }
    }
}
