package io.pluginhost.admin;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Caps how many REST calls of {@code execute} run at once: per plugin, and in all. Each runs on one of
 * the server's request threads until the plugin returns, and nothing can make a plugin return: without
 * a cap, a plugin that hangs takes a request thread per call until the server answers no one. With the
 * per-plugin cap, such a plugin holds at most that many, and a caller past it waits at most
 * {@code queue-wait} for a place and is then refused; with the cap in all, several plugins that hang
 * together still leave the server request threads for every other endpoint (the admin API that unloads
 * them, health, the applications beside the host). A burst of quick calls larger than a cap only waits
 * its turn.
 *
 * <p>A caller takes its plugin's place first, then one of all: the callers of a plugin that hangs queue
 * on their plugin's places and leave the shared ones to others. One semaphore per plugin name that was
 * loaded when it was called (a name that is not loaded gets no place and its call fails as before), so
 * the map grows with the plugins a server has had, not with the names callers make up.
 */
@ApplicationScoped
public class ExecuteBulkhead {

    /** How many REST calls of one plugin may run at once. */
    @Inject
    @ConfigProperty(name = "pluginhost.execute.max-concurrent", defaultValue = "16")
    int max;

    /**
     * How many REST calls of plugins may run at once in all; unset, 8 per processor: half of the request
     * threads of WildFly's default worker (16 per processor).
     */
    @Inject
    @ConfigProperty(name = "pluginhost.execute.max-concurrent-total")
    Optional<Integer> maxTotal;

    /** How long a call past the cap waits for a place before it is refused. */
    @Inject
    @ConfigProperty(name = "pluginhost.execute.queue-wait", defaultValue = "PT1S")
    Duration queueWait;

    /**
     * The most characters of JSON one result may have: the host writes it into its heap and copies it once more
     * into the response, and a result of a few hundred megabytes ran a 512 MB server out of heap.
     */
    @Inject
    @ConfigProperty(name = "pluginhost.execute.max-result-chars", defaultValue = "16777216")
    int maxResultChars;

    private final ConcurrentHashMap<String, Semaphore> places = new ConcurrentHashMap<>();
    private Semaphore shared;
    private int total;

    /** A call past a cap that no place came free for in time. */
    public static final class Full extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Full(String message) {
            super(message, null, false, false);
        }
    }

    /** A place taken for one call: give it back when the call ends. */
    public static final class Place implements AutoCloseable {

        private final Semaphore own;
        private final Semaphore shared;

        private Place(Semaphore own, Semaphore shared) {
            this.own = own;
            this.shared = shared;
        }

        @Override
        public void close() {
            shared.release();
            own.release();
        }
    }

    /** The settings, checked: a bad value is an error the operator sees, not a silent default. */
    @PostConstruct
    void check() {
        if (max < 1) {
            throw new IllegalArgumentException("pluginhost.execute.max-concurrent must be at least 1, not " + max);
        }
        total = maxTotal.orElse(8 * Runtime.getRuntime().availableProcessors());
        if (total < 1) {
            throw new IllegalArgumentException("pluginhost.execute.max-concurrent-total must be at least 1, not "
                    + total);
        }
        if (maxResultChars < 1) {
            throw new IllegalArgumentException("pluginhost.execute.max-result-chars must be at least 1, not "
                    + maxResultChars);
        }
        if (queueWait.isNegative()) {
            throw new IllegalArgumentException("pluginhost.execute.queue-wait must not be negative, not " + queueWait);
        }
        shared = new Semaphore(total);
    }

    /** @return the most characters of JSON one result may have ({@code pluginhost.execute.max-result-chars}) */
    int maxResultChars() {
        return maxResultChars;
    }

    /**
     * Takes a place for a call of a loaded plugin, waiting at most {@code queue-wait} in all.
     *
     * @param plugin the plugin, which is loaded
     * @return the place, to close when the call ends
     * @throws Full                 naming the cap that was full, if no place came free in time
     * @throws InterruptedException if the request's thread was interrupted while it waited
     */
    public Place enter(String plugin) throws InterruptedException {
        long deadline = System.nanoTime() + queueWait.toNanos();
        Semaphore own = places.computeIfAbsent(plugin, name -> new Semaphore(max));
        if (!own.tryAcquire(queueWait.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new Full("plugin '" + plugin + "' already runs " + max + " calls from REST"
                    + " (pluginhost.execute.max-concurrent) and none ended in time; try again later");
        }
        boolean entered = false;
        try {
            entered = shared.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } finally {
            if (!entered) {
                own.release();
            }
        }
        if (!entered) {
            throw new Full("plugins already run " + total + " calls from REST in all"
                    + " (pluginhost.execute.max-concurrent-total) and none ended in time; try again later");
        }
        return new Place(own, shared);
    }

    /** @return whether a caller waits for a place of that plugin (tests) */
    boolean hasWaiters(String plugin) {
        Semaphore own = places.get(plugin);
        return own != null && own.hasQueuedThreads() || shared.hasQueuedThreads();
    }
}
