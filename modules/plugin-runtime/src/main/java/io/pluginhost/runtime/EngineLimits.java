package io.pluginhost.runtime;

import java.time.Duration;

/**
 * The bounds the engine keeps on plugin code, so that no plugin can hang, wedge or exhaust it.
 *
 * @param drainTimeout          how long an unload waits for calls in flight before refusing
 * @param maxCallDepth          how deeply calls into plugins may nest on one thread (events answered by
 *                              events); deeper calls fail with {@code CallDepthExceededException}
 * @param initializeTimeout     how long {@code initialize} may run before the load fails
 * @param cleanupTimeout        how long {@code cleanup} may run before the unload goes on without it
 * @param maxListenersPerPlugin how many event listeners one plugin may hold
 * @param lifecycleDeadlines    whether {@code initialize} and {@code cleanup} run on the engine's
 *                              lifecycle worker under their deadlines (the default; an
 *                              {@code initialize} whose class file shows it only calls the host runs
 *                              on the caller's thread either way), or on the
 *                              caller's thread with none, as PF4J and OSGi frameworks run them: a
 *                              hand-off less per call (0.1 to 0.2 ms on a 2-core machine), for plugins
 *                              the operator trusts never to hang
 */
public record EngineLimits(Duration drainTimeout, int maxCallDepth, Duration initializeTimeout,
                           Duration cleanupTimeout, int maxListenersPerPlugin, boolean lifecycleDeadlines) {

    /** Checks the values. */
    public EngineLimits {
        if (drainTimeout.isNegative() || maxCallDepth < 1 || initializeTimeout.isNegative() || initializeTimeout.isZero()
                || cleanupTimeout.isNegative() || cleanupTimeout.isZero() || maxListenersPerPlugin < 1) {
            throw new IllegalArgumentException("engine limits must be positive: " + this);
        }
    }

    /** @return 30 s drain, depth 64, 30 s initialize, 10 s cleanup, 100,000 listeners per plugin */
    public static EngineLimits defaults() {
        return new EngineLimits(Duration.ofSeconds(30), 64, Duration.ofSeconds(30), Duration.ofSeconds(10), 100_000,
                true);
    }

    /** @return these limits with another drain timeout */
    public EngineLimits withDrainTimeout(Duration timeout) {
        return new EngineLimits(timeout, maxCallDepth, initializeTimeout, cleanupTimeout, maxListenersPerPlugin, lifecycleDeadlines);
    }

    /** @return these limits with another call depth */
    public EngineLimits withMaxCallDepth(int depth) {
        return new EngineLimits(drainTimeout, depth, initializeTimeout, cleanupTimeout, maxListenersPerPlugin, lifecycleDeadlines);
    }

    /** @return these limits with other deadlines for initialize and cleanup */
    public EngineLimits withDeadlines(Duration initialize, Duration cleanup) {
        return new EngineLimits(drainTimeout, maxCallDepth, initialize, cleanup, maxListenersPerPlugin, lifecycleDeadlines);
    }

    /** @return these limits with another listener cap */
    public EngineLimits withMaxListenersPerPlugin(int max) {
        return new EngineLimits(drainTimeout, maxCallDepth, initializeTimeout, cleanupTimeout, max, lifecycleDeadlines);
    }

    /**
     * @return these limits with {@code initialize} and {@code cleanup} on the caller's thread and no
     *         deadlines: a plugin that never returns from them then holds the lifecycle lock for good
     */
    public EngineLimits withoutLifecycleDeadlines() {
        return new EngineLimits(drainTimeout, maxCallDepth, initializeTimeout, cleanupTimeout, maxListenersPerPlugin,
                false);
    }
}
