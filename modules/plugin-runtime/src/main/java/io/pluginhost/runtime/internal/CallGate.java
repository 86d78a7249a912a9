package io.pluginhost.runtime.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lets calls into a plugin (execute, listeners, repository callbacks) run concurrently, and lets
 * unload wait for the calls in flight and refuse new ones, so cleanup never runs beside an execute.
 *
 * <p>Callers hold the read lock for the duration of a call; {@link #close} marks the gate closed
 * and then takes the write lock, which waits for the calls in flight. The lock is reentrant, so a
 * call that re-enters the same plugin (an execute that emits an event another plugin answers) does
 * not deadlock.
 */
public final class CallGate {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** @return whether a call may proceed; if so, the caller must call {@link #exit()} */
    public boolean tryEnter() {
        if (closed) {
            return false;
        }
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            return false;
        }
        return true;
    }

    /** Ends a call that {@link #tryEnter()} admitted. */
    public void exit() {
        lock.readLock().unlock();
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
        boolean drained = false;
        try {
            drained = lock.writeLock().tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (drained) {
                lock.writeLock().unlock();
            }
            return drained;
        } finally {
            if (!drained) {
                closed = false;
            }
        }
    }

    /** @return whether the gate refuses new calls */
    public boolean isClosed() {
        return closed;
    }

    /** @return an estimate of the calls in flight */
    public int callsInFlight() {
        return lock.getReadLockCount();
    }
}
