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
 */
public record EngineLimits(Duration drainTimeout, int maxCallDepth, Duration initializeTimeout,
                           Duration cleanupTimeout, int maxListenersPerPlugin) {

    /** Checks the values. */
    public EngineLimits {
        if (drainTimeout.isNegative() || maxCallDepth < 1 || initializeTimeout.isNegative() || initializeTimeout.isZero()
                || cleanupTimeout.isNegative() || cleanupTimeout.isZero() || maxListenersPerPlugin < 1) {
            throw new IllegalArgumentException("engine limits must be positive: " + this);
        }
    }

    /** @return 30 s drain, depth 64, 30 s initialize, 10 s cleanup, 100,000 listeners per plugin */
    public static EngineLimits defaults() {
        return new EngineLimits(Duration.ofSeconds(30), 64, Duration.ofSeconds(30), Duration.ofSeconds(10), 100_000);
    }

    /** @return these limits with another drain timeout */
    public EngineLimits withDrainTimeout(Duration timeout) {
        return new EngineLimits(timeout, maxCallDepth, initializeTimeout, cleanupTimeout, maxListenersPerPlugin);
    }

    /** @return these limits with another call depth */
    public EngineLimits withMaxCallDepth(int depth) {
        return new EngineLimits(drainTimeout, depth, initializeTimeout, cleanupTimeout, maxListenersPerPlugin);
    }

    /** @return these limits with other deadlines for initialize and cleanup */
    public EngineLimits withDeadlines(Duration initialize, Duration cleanup) {
        return new EngineLimits(drainTimeout, maxCallDepth, initialize, cleanup, maxListenersPerPlugin);
    }

    /** @return these limits with another listener cap */
    public EngineLimits withMaxListenersPerPlugin(int max) {
        return new EngineLimits(drainTimeout, maxCallDepth, initializeTimeout, cleanupTimeout, max);
    }
}
