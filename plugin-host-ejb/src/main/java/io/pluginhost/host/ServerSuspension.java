package io.pluginhost.admin;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Ends the event streams while WildFly is suspended ({@code :suspend}, and the suspend that begins a
 * graceful {@code :shutdown}), and refuses new ones until it runs again. A suspend waits until the
 * requests in progress have ended, and a stream never ends by itself.
 *
 * <p>The server's state is read from its management model, the attribute {@code suspend-state} of the
 * root resource, through the platform MBean server, as an operator's tools read it: that is WildFly's
 * public contract, where hearing the suspend itself needs its internal modules. One thread, started
 * with the first stream, reads it every {@link #POLL} while a stream is open; a stream asked for reads
 * it once. A server whose state cannot be read (not WildFly) counts as running, said once in the log.
 */
final class ServerSuspension implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServerSuspension.class.getName());

    /** How often the state is read while a stream is open: about as long as a suspend waits for the streams. */
    static final Duration POLL = Duration.ofMillis(250);

    private final StreamClients clients;
    private final BooleanSupplier running;
    private final long pollNanos;
    private final ThreadFactory threads;
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Whether the watching thread was started; guarded by {@code this}. */
    private boolean watching;

    /**
     * @param clients the streams to end
     * @param running whether the server runs (not suspending or suspended)
     * @param poll    how often {@code running} is asked while a stream is open
     * @param threads makes the watching thread, when the first stream is asked for
     */
    ServerSuspension(StreamClients clients, BooleanSupplier running, Duration poll, ThreadFactory threads) {
        this.clients = clients;
        this.running = running;
        this.pollNanos = poll.toNanos();
        this.threads = threads;
    }

    /**
     * @param server the platform MBean server, which in WildFly holds its management model
     * @return whether the server is running; true where its state cannot be read
     */
    static BooleanSupplier runningIn(MBeanServer server) {
        ObjectName root;
        try {
            root = new ObjectName("jboss.as:management-root=server");
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
        AtomicBoolean warned = new AtomicBoolean();
        return () -> {
            try {
                return "RUNNING".equals(String.valueOf(server.getAttribute(root, "suspendState")));
            } catch (JMException | RuntimeException unreadable) {
                if (warned.compareAndSet(false, true)) {
                    LOG.warning("the server's suspend state cannot be read (" + unreadable + "), so a suspend"
                            + " or a graceful shutdown waits for every open event stream until its timeout");
                }
                return true;
            }
        };
    }

    /**
     * Called before a stream is opened; starts watching with the first.
     *
     * @throws Suspended if the server is not running: a stream opened now would hold its suspend
     */
    void refuseWhileSuspended() {
        if (!running.getAsBoolean()) {
            throw new Suspended();
        }
        synchronized (this) {
            if (!watching && closed.getCount() > 0) {
                Thread watcher = threads.newThread(this::watch);
                if (watcher == null) { // the application is stopping
                    throw new IllegalStateException("no thread to watch the server's suspend state with");
                }
                watcher.setName("pluginhost-event-stream-suspend-watch");
                watcher.setDaemon(true);
                watcher.start();
                watching = true;
            }
        }
    }

    private void watch() {
        try {
            do {
                if (clients.size() > 0 && !running.getAsBoolean()) {
                    int open = clients.size();
                    clients.closeAll();
                    LOG.info("the server is suspending: " + open + " event stream(s) closed; new ones are refused"
                            + " until it resumes");
                }
            } while (!closed.await(pollNanos, TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops watching; the thread ends at once. */
    @Override
    public void close() {
        closed.countDown();
    }

    /** Refuses a stream while the server is suspended. */
    static final class Suspended extends IllegalStateException {
        Suspended() {
            super("the server is suspended; the event stream is served again when it resumes");
        }
    }
}
