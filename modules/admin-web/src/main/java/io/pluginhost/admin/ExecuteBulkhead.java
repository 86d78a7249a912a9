package io.pluginhost.admin;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Caps how many REST calls of one plugin's {@code execute} run at once. Each runs on one of the
 * server's request threads until the plugin returns, and nothing can make a plugin return: without
 * a cap, a plugin that hangs takes a request thread per call until the server answers no one. With
 * it, such a plugin holds at most the cap, a caller past it waits at most {@code queue-wait} for a
 * place and is then refused, and every other plugin and endpoint keeps its threads. A burst of quick
 * calls larger than the cap only waits its turn.
 *
 * <p>One semaphore per plugin name that was loaded when it was called (a name that is not loaded
 * gets no place and its call fails as before), so the map grows with the plugins a server has had,
 * not with the names callers make up.
 */
@ApplicationScoped
public class ExecuteBulkhead {

    /** How many REST calls of one plugin may run at once. */
    @Inject
    @ConfigProperty(name = "pluginhost.execute.max-concurrent", defaultValue = "16")
    int max;

    /** How long a call past the cap waits for a place before it is refused. */
    @Inject
    @ConfigProperty(name = "pluginhost.execute.queue-wait", defaultValue = "PT1S")
    Duration queueWait;

    private final ConcurrentHashMap<String, Semaphore> places = new ConcurrentHashMap<>();

    /** The settings, checked: a bad value is an error the operator sees, not a silent default. */
    @PostConstruct
    void check() {
        if (max < 1) {
            throw new IllegalArgumentException("pluginhost.execute.max-concurrent must be at least 1, not " + max);
        }
        if (queueWait.isNegative()) {
            throw new IllegalArgumentException("pluginhost.execute.queue-wait must not be negative, not " + queueWait);
        }
    }

    /** @return how many REST calls of one plugin may run at once */
    public int max() {
        return max;
    }

    /**
     * Takes a place for a call of a loaded plugin, waiting at most {@code queue-wait}.
     *
     * @param plugin the plugin, which is loaded
     * @return the place, to {@link Semaphore#release()} when the call ends; {@code null} if none was free in time
     * @throws InterruptedException if the request's thread was interrupted while it waited
     */
    public Semaphore enter(String plugin) throws InterruptedException {
        Semaphore place = places.computeIfAbsent(plugin, name -> new Semaphore(max));
        return place.tryAcquire(queueWait.toNanos(), TimeUnit.NANOSECONDS) ? place : null;
    }
}
