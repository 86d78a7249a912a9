package io.pluginhost.runtime.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets calls into a plugin (execute, listeners, repository callbacks) run concurrently, and lets
 * unload refuse new calls and wait for those in flight, so cleanup never runs beside an execute.
 *
 * <p>A call increments {@code inFlight} and then checks {@code closed}; {@link #close} sets
 * {@code closed} and then waits for {@code inFlight} to reach zero. Both are volatile, so either the
 * call sees the gate closed (and backs out) or the closer sees the call and waits for it. Nested
 * calls (an execute that emits an event the same plugin hears through another plugin) simply count
 * twice. A counter rather than a read-write lock keeps the hot path of event delivery to one atomic
 * increment and decrement.
 */
public final class CallGate {

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    /** @return whether a call may proceed; if so, the caller must call {@link #exit()} */
    public boolean tryEnter() {
        if (closed) {
            return false;
        }
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Ends a call that {@link #tryEnter()} admitted. */
    public void exit() {
        inFlight.decrementAndGet();
    }

    /**
     * Refuses new calls and waits for those in flight.
     *
     * @param timeout how long to wait
     * @return whether all calls finished in time; if not, the gate is open again
     * @throws InterruptedException if interrupted while waiting (the gate is then open again)
     */
    public boolean close(Duration timeout) throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean drained = false;
        try {
            long pause = TimeUnit.MICROSECONDS.toNanos(50);
            while (!(drained = inFlight.get() == 0) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(10));
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for calls in flight");
                }
            }
            return drained;
        } finally {
            if (!drained) {
                closed = false;
            }
        }
    }

    /** Refuses new calls without waiting for those in flight: an unload by force, after {@link #close} timed out. */
    public void closeNow() {
        closed = true;
    }

    /** Admits calls again after a {@link #close} that drained, when the unload it prepared is called off. */
    public void reopen() {
        closed = false;
    }

    /** @return whether the gate refuses new calls */
    public boolean isClosed() {
        return closed;
    }

    /** @return the calls in flight */
    public int callsInFlight() {
        return inFlight.get();
    }
}
