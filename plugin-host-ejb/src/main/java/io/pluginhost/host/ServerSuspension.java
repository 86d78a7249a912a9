package io.pluginhost.host;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows WildFly's suspend ({@code :suspend}, the suspend that begins a graceful {@code :shutdown}, and
 * the one a server is in while it boots): the host then holds the plugins' background work and ends the
 * event streams, which a suspend would otherwise wait for, as it waits for every request in progress.
 *
 * <p>The server's state is read from its management model, the attribute {@code suspend-state} of the
 * root resource, through the platform MBean server, as an operator's tools read it: that is WildFly's
 * public contract, where hearing the suspend itself needs its internal modules. It is read once at
 * {@link #start}, then every {@link #POLL} on a thread of its own; a server not running is handed on
 * at each read, and one that runs again once.
 *
 * <p>Under the {@code rbac} access-control provider the model hides its root from a thread without a
 * management role ({@code WFLYJMX0017}), as the host's own thread is; the state is then told by the
 * server's managed executor, which refuses every task from the moment a suspend begins until the resume
 * (the request controller pauses it as it pauses Undertow). A server where neither tells (not WildFly)
 * counts as running, said once in the log.
 */
final class ServerSuspension implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServerSuspension.class.getName());
    private static final Runnable NOTHING = () -> { };

    /** How often the state is read: about as long as a suspend waits for the event streams. */
    static final Duration POLL = Duration.ofMillis(250);

    private final BooleanSupplier running;
    private final long pollNanos;
    private final ThreadFactory threads;
    private final Consumer<Boolean> onState;
    private final CountDownLatch closed = new CountDownLatch(1);
    /** The state last read; only the watching thread changes it after {@link #start}. */
    private volatile boolean wasRunning = true;

    /**
     * @param running  whether the server runs (not suspending or suspended)
     * @param poll     how often it is asked
     * @param threads  makes the watching thread
     * @param onState  told {@code false} at each read while the server is not running, and {@code true} once
     *                 when it runs again; on the watching thread, and at {@link #start} if it is not running
     */
    ServerSuspension(BooleanSupplier running, Duration poll, ThreadFactory threads, Consumer<Boolean> onState) {
        this.running = running;
        this.pollNanos = poll.toNanos();
        this.threads = threads;
        this.onState = onState;
    }

    /**
     * @param server  the platform MBean server, which in WildFly holds its management model
     * @param managed the server's managed executor, asked where the model cannot be read; or {@code null}
     * @return whether the server is running; true where neither tells
     */
    static BooleanSupplier runningIn(MBeanServer server, Executor managed) {
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
                    LOG.log(managed == null ? Level.WARNING : Level.INFO, "the server's suspend state cannot be"
                            + " read from its management model (" + unreadable + "); " + (managed == null
                            ? "with no managed executor to ask either, a suspend or a graceful shutdown waits for"
                            + " every open event stream until its timeout, and the plugins' scheduled tasks and"
                            + " Kafka consumers go on through it"
                            : "it is told by whether the managed executor takes a task"));
                }
                return managed == null || takes(managed);
            }
        };
    }

    /** @return whether the executor takes a task that does nothing */
    private static boolean takes(Executor managed) {
        try {
            managed.execute(NOTHING);
            return true;
        } catch (RejectedExecutionException suspended) {
            return false;
        }
    }

    /**
     * Reads the state, hands it on if the server is not running, and starts watching.
     *
     * @throws IllegalStateException if no thread could be made (the application is stopping)
     */
    void start() {
        check();
        Thread watcher = threads.newThread(this::watch);
        if (watcher == null) {
            throw new IllegalStateException("no thread to watch the server's suspend state with");
        }
        watcher.setName("pluginhost-suspend-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** @return whether the server is running now (read now, not the last state handed on) */
    boolean running() {
        return running.getAsBoolean();
    }

    private void watch() {
        try {
            while (!closed.await(pollNanos, TimeUnit.NANOSECONDS)) {
                check();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the state and hands it on if the server is not running, or if it runs again. Also called when the
     * managed executor refused the plugins' background work ({@link BackgroundRequests}), which it does from
     * the moment a suspend begins, before the next read; serialized, so that two reads are handed on in order.
     */
    synchronized void check() {
        boolean now = running.getAsBoolean();
        if (now && wasRunning) {
            return;
        }
        // Not running is handed on at every read, not only when it begins: a resume and a new suspend
        // between two reads must not leave a stream opened in between (it read "running") to hold the suspend.
        wasRunning = now;
        try {
            onState.accept(now);
        } catch (RuntimeException e) { // the next read is still handed on
            LOG.log(Level.WARNING, "handing on that the server " + (now ? "runs again" : "is suspending"), e);
        }
    }

    /** Stops watching; the thread ends at once. */
    @Override
    public void close() {
        closed.countDown();
    }
}
