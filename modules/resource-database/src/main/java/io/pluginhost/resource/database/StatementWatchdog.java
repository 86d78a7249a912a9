package io.pluginhost.resource.database;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Cancels a plugin statement that runs past the statement timeout, for every database alike: a
 * running statement is registered with its deadline, and one host thread, started with the provider
 * (never lazily inside a plugin call, where it would keep the plugin's loader), sweeps the running
 * statements every {@value #SWEEP_MILLIS} ms. That replaces JDBC's {@code setQueryTimeout}, which H2
 * turns into a {@code SET QUERY_TIMEOUT} round trip per statement (3 to 4 us, a third of a query) and
 * PgJDBC into a timer thread of its own; registering costs a set insertion and no thread wake-up.
 * A statement is cancelled at most one sweep after its deadline.
 */
final class StatementWatchdog implements AutoCloseable {

    static final long SWEEP_MILLIS = 200;

    private final Set<Watch> running = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor sweeper;

    StatementWatchdog() {
        sweeper = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "pluginhost-statement-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleAtFixedRate(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A watch over one running statement; close it when the statement is done. */
    final class Watch implements AutoCloseable {
        private final Statement statement;
        private final long deadline;
        private volatile boolean fired;

        private Watch(Statement statement, Duration timeout) {
            this.statement = statement;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        /** @return whether the statement was cancelled for running too long */
        boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            running.remove(this);
        }
    }

    Watch watch(Statement statement, Duration timeout) {
        Watch watch = new Watch(statement, timeout);
        running.add(watch);
        return watch;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watch watch : running) {
            if (now - watch.deadline > 0 && !watch.fired) {
                watch.fired = true;
                try {
                    watch.statement.cancel();
                } catch (SQLException | RuntimeException e) {
                    // finished or closed meanwhile: nothing to cancel
                }
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        running.clear();
    }
}
