package io.pluginhost.host;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Delivers events from other nodes to this node's plugins on a host thread of its own, in the order
 * they came, so that the JMS session that receives them (one, to keep that order) never waits for
 * plugin code. Before, a plugin's listener that never returned held the message-driven bean's only
 * session: no event from another node reached any plugin again, the broker kept every later message
 * for this node, and an undeploy waited for the delivery.
 *
 * <p>A delivery that overruns its deadline gives its thread up: a watchdog thread (or the next event,
 * whichever comes first) finds it, the thread is interrupted, renamed for what it is stuck in and
 * logged with its stack (which names the plugin), and a new thread delivers the events that waited
 * behind it and those after. The stuck
 * event's listeners after the one that hangs do not get it. Waiting events are bounded as on the
 * host's relay ({@link BoundedHostThread}): past them, events are dropped and counted, never blocking
 * the session.
 */
final class RemoteEventDelivery implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RemoteEventDelivery.class.getName());
    private static final String WORK = "delivering events from other nodes to this node's plugins";

    private final ThreadFactory threads;
    private final long deadlineNanos;
    private final BiConsumer<String, String> deliver;
    private final LongSupplier clock;
    /** The delivery in progress, or {@code null}. */
    private final AtomicReference<Delivery> running = new AtomicReference<>();
    /** The thread that delivers; a new one once a delivery overran its deadline. Guarded by {@code this}. */
    private BoundedHostThread worker;
    /** Guarded by {@code this}; read by the watchdog. */
    private volatile boolean closed;
    /** Wakes when the delivery in progress would pass its deadline, and gives its thread up. */
    private final Thread watchdog;

    private record Delivery(String event, Thread thread, long started) {
    }

    /**
     * @param threads  makes the delivering threads (the container's, started outside any plugin call)
     * @param deadline how long one event's delivery may take before its thread is given up
     * @param deliver  delivers one event, by name and JSON payload, to this node's plugins
     * @param clock    {@link System#nanoTime}, or a test's
     */
    RemoteEventDelivery(ThreadFactory threads, Duration deadline, BiConsumer<String, String> deliver,
                        LongSupplier clock) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("pluginhost.events.remote-delivery-timeout must be positive, not "
                    + deadline);
        }
        this.threads = threads;
        this.deadlineNanos = deadline.toNanos();
        this.deliver = deliver;
        this.clock = clock;
        this.worker = newWorker();
        this.watchdog = threads.newThread(this::watch);
        watchdog.setName("pluginhost-remote-events-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private void watch() {
        while (!closed) {
            Delivery delivery = running.get();
            long wait = delivery == null ? deadlineNanos : delivery.started() + deadlineNanos - clock.getAsLong();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            synchronized (this) {
                if (!closed) {
                    replaceIfStuck();
                }
            }
        }
    }

    private BoundedHostThread newWorker() {
        return new BoundedHostThread(WORK, HostEventRelay.CAPACITY, HostEventRelay.MAX_CHARS, threads);
    }

    /**
     * Queues an event for this node's plugins and returns at once.
     *
     * @param name the event's name
     * @param json its payload as JSON, or {@code null}
     */
    void deliver(String name, String json) {
        BoundedHostThread target;
        synchronized (this) {
            if (closed) {
                return;
            }
            replaceIfStuck();
            target = worker;
        }
        target.execute(() -> run(name, json), json == null ? 0 : json.length());
    }

    private void run(String name, String json) {
        Delivery delivery = new Delivery(name, Thread.currentThread(), clock.getAsLong());
        running.set(delivery);
        try {
            deliver.accept(name, json);
        } finally {
            running.compareAndSet(delivery, null);
        }
    }

    /** Gives up the thread if its delivery overran the deadline; the events behind it go to a new one. */
    private void replaceIfStuck() {
        Delivery stuck = running.get();
        if (stuck == null || clock.getAsLong() - stuck.started() < deadlineNanos) {
            return;
        }
        List<Runnable> waiting = worker.abandon();
        running.compareAndSet(stuck, null);
        String name = "pluginhost-remote-events (stuck delivering '" + stuck.event() + "')";
        stuck.thread().setName(name);
        LOG.warning(() -> "delivering the event '" + stuck.event() + "' from another node did not end within "
                + Duration.ofNanos(deadlineNanos).toMillis() + " ms; thread '" + name + "' is given up and "
                + waiting.size() + " event(s) behind it go to a new thread. Where it is stuck:\n\tat "
                + Arrays.stream(stuck.thread().getStackTrace()).limit(16).map(String::valueOf)
                        .collect(Collectors.joining("\n\tat ")));
        worker = newWorker();
        waiting.forEach(worker::execute);
    }

    @Override
    public void close() {
        BoundedHostThread last;
        synchronized (this) {
            closed = true;
            last = worker;
        }
        LockSupport.unpark(watchdog);
        last.close();
    }
}
