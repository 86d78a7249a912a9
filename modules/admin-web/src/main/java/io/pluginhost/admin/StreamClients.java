package io.pluginhost.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The event stream's clients. Each has a queue and a thread of its own that writes the queue to it
 * with blocking writes, so a client that stops reading blocks only its own thread.
 *
 * <p>Why not JAX-RS's {@code SseEventSink}: on WildFly 39 (RESTEasy 6.2, Undertow 2.3) its asynchronous
 * writes reported events as sent that the client then never got, until (at best) a later event pushed
 * them out: over HTTP/2 within the first few bursts, and over HTTP/1.1 once a socket was briefly not
 * writable. And its {@code SseBroadcaster} sent to one client only after the client before it had
 * completed, so one client that stopped reading froze every other.
 *
 * <p>An event waits in a client's queue until its thread has written it; until then it counts as
 * unsent. A client whose unsent events exceed {@code backlogChars} characters when the next event
 * comes is closed (a browser's {@code EventSource} reconnects by itself), so a client that reads
 * nothing costs a bounded amount of memory; closing it also ends its thread's blocked write. At most
 * {@code maxClients} are connected at once, as each costs a thread. A client that was sent nothing for
 * {@code heartbeat} is sent a comment line: a proxy does not time its connection out, and a client
 * that is gone without a word is found and forgotten, so it does not hold its place for good.
 * Thread-safe: events come from the host's relay thread, clients from request threads.
 */
final class StreamClients {

    private static final Logger LOG = Logger.getLogger(StreamClients.class.getName());

    /** Where a client's events go; the servlet's response, or a fake in tests. */
    interface Sink {
        /** Writes and flushes, blocking until done; throws if the client is gone. */
        void write(byte[] event) throws IOException;

        /** Ends the stream, from any thread; a write blocked on it then fails. */
        void close();
    }

    /** An SSE comment: clients ignore it. */
    static final String HEARTBEAT = ": keep-alive\n\n";

    private final long backlogChars;
    private final int maxClients;
    private final long heartbeatNanos;
    private final ThreadFactory threads;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();

    /**
     * @param backlogChars the most unsent event data one client may have, in characters
     * @param maxClients   how many clients may be connected at once
     * @param heartbeat    how long a client may be sent nothing before it is sent a comment
     * @param threads      makes each client's writing thread
     */
    StreamClients(long backlogChars, int maxClients, Duration heartbeat, ThreadFactory threads) {
        if (backlogChars <= 0 || maxClients <= 0 || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("the stream clients' backlog, their number and their heartbeat must be"
                    + " positive; got " + backlogChars + ", " + maxClients + " and " + heartbeat);
        }
        this.backlogChars = backlogChars;
        this.maxClients = maxClients;
        this.heartbeatNanos = heartbeat.toNanos();
        this.threads = threads;
    }

    /**
     * Adds a client and queues its first event.
     *
     * @return the client, or {@code null} if {@code maxClients} are connected (nothing was started)
     */
    Client add(Sink sink, String first) {
        Client client = new Client(sink);
        client.offer(first); // before it is among the clients, so no event sent to all comes first
        synchronized (clients) { // so two requests at once cannot both take the last place
            if (clients.size() >= maxClients) {
                return null;
            }
            clients.add(client);
        }
        Thread writer = null;
        try {
            writer = threads.newThread(client::writeQueued);
        } finally {
            if (writer == null) { // the factory refused (the application is stopping) or threw
                forget(client);
            }
        }
        if (writer == null) {
            throw new IllegalStateException("no thread to write an event stream client's events with");
        }
        writer.setName("pluginhost-event-stream-" + Integer.toHexString(System.identityHashCode(client)));
        writer.setDaemon(true);
        writer.start();
        return client;
    }

    /** Queues an event, in the stream's wire form, for every client; never waits for one. */
    void sendToAll(String event) {
        for (Client client : clients) {
            long unsent = client.offer(event);
            if (unsent > backlogChars && forget(client)) {
                LOG.warning("an event stream client has not read " + unsent + " characters of events (over"
                        + " pluginhost.events.client-backlog-chars, " + backlogChars + "); its stream is closed");
            }
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

    /** The client's connection ended (the container said so); forgets it without closing it again. */
    private void ended(Client client) {
        if (clients.remove(client)) {
            client.stop();
        }
    }

    /** @return whether this call removed the client (so each client is reported and closed once) */
    private boolean forget(Client client) {
        if (!clients.remove(client)) {
            return false;
        }
        client.stop();
        try {
            client.sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing an event stream client failed", e);
        }
        return true;
    }

    /** One connected client; identity equality, as each connection is its own. */
    final class Client {
        private final Sink sink;
        private final ArrayDeque<String> queued = new ArrayDeque<>();
        /** Queued characters plus those of the event being written. */
        private long unsentChars;
        private boolean stopped;

        private Client(Sink sink) {
            this.sink = sink;
        }

        /**
         * Queues an event unless the backlog before it is already over the limit: judged before this
         * event counts, so one event larger than the backlog still reaches a client that reads.
         *
         * @return the unsent characters that were over the backlog, or 0 if the event was queued
         */
        private synchronized long offer(String event) {
            if (stopped) {
                return 0;
            }
            if (unsentChars > backlogChars) {
                return unsentChars;
            }
            queued.add(event);
            unsentChars += event.length();
            notifyAll();
            return 0;
        }

        /**
         * Its connection ended without the stream closing it (the container said so); forgets it. Called
         * on the client itself, not through the CDI bean that registered it: at an undeploy the container
         * reports the streams the bean's {@code @PreDestroy} ended after the bean is gone.
         */
        void ended() {
            StreamClients.this.ended(this);
        }

        private synchronized void stop() {
            stopped = true;
            queued.clear();
            notifyAll();
        }

        /** @return the next event, {@link #HEARTBEAT} after {@code heartbeat} without one, null once stopped */
        private synchronized String next() throws InterruptedException {
            long deadline = System.nanoTime() + heartbeatNanos;
            while (queued.isEmpty() && !stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return HEARTBEAT;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return stopped ? null : queued.poll();
        }

        private synchronized void written(String event) {
            unsentChars -= event.length();
        }

        /** The client's thread: writes what is queued, in order, until the client is gone. */
        private void writeQueued() {
            try {
                for (String event; (event = next()) != null; ) {
                    sink.write(event.getBytes(StandardCharsets.UTF_8));
                    if (event != HEARTBEAT) { // identity: only the constant is a heartbeat, not an equal event
                        written(event);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (forget(this)) {
                    // A closed browser tab ends this way; it is not a fault of the server, so no stack trace.
                    LOG.info("an event stream client is gone: " + e);
                }
            } catch (InterruptedException e) {
                forget(this);
            }
        }
    }
}
