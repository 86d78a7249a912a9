package io.pluginhost.runtime;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Keeps the log readable when plugin code that no caller waits for fails over and over: a scheduled task every
 * 10 ms that always throws, a listener on a busy event, a Kafka handler that fails every record. Of each plugin's
 * callback kind it logs the first error, then at most one per interval, saying how many it left out; an unloading
 * plugin's last count is logged with it. Without it, one such plugin wrote 100 lines a second, 2 GB a day, and a
 * file handler that rotates by date alone let it fill the disk. The errors still count in the metrics and reach
 * the lifecycle listeners one by one; at DEBUG the engine logs every one with its stack trace.
 */
final class ErrorLogThrottle {

    private final long intervalNanos;
    private final LongSupplier clock;
    private final Consumer<String> log;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();

    private record Key(String plugin, String kind) {
    }

    /** One plugin's callback kind: when a line was last logged, and how many were left out since. */
    private static final class Window {
        boolean logged;
        long lastLogged;
        long leftOut;
    }

    /**
     * @param interval the least time between two lines of one plugin's callback kind
     * @param clock    nanoseconds, as {@link System#nanoTime}
     * @param log      where a line goes
     */
    ErrorLogThrottle(Duration interval, LongSupplier clock, Consumer<String> log) {
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
        this.log = log;
    }

    /**
     * @param plugin  the plugin, or null for the host's own listeners
     * @param kind    "listener", "task", "handler" or "extension", or "lease" for the host's task leases
     * @param message the error's one line
     */
    void report(String plugin, String kind, String message) {
        long now = clock.getAsLong();
        Window window = windows.computeIfAbsent(new Key(plugin, kind), key -> new Window());
        String line;
        synchronized (window) {
            long since = now - window.lastLogged;
            if (window.logged && since < intervalNanos) {
                window.leftOut++;
                return;
            }
            line = window.leftOut == 0 ? message : message + " (" + window.leftOut + " more errors of "
                    + whose(plugin, kind) + " in the last " + Duration.ofNanos(since).toSeconds() + " s were not"
                    + " logged" + (plugin == null ? ")" : "; its metrics count every one)");
            window.logged = true;
            window.lastLogged = now;
            window.leftOut = 0;
        }
        log.accept(line);
    }

    /** Logs how many errors of the plugin were left out since its last line, and starts its next load afresh. */
    void forget(String plugin) {
        for (Iterator<Map.Entry<Key, Window>> entries = windows.entrySet().iterator(); entries.hasNext(); ) {
            Map.Entry<Key, Window> entry = entries.next();
            if (!plugin.equals(entry.getKey().plugin())) {
                continue;
            }
            entries.remove();
            long leftOut;
            synchronized (entry.getValue()) {
                leftOut = entry.getValue().leftOut;
            }
            if (leftOut > 0) {
                log.accept("plugin '" + plugin + "' unloaded with " + leftOut + " more errors of "
                        + whose(plugin, entry.getKey().kind()) + " not logged; its metrics count every one");
            }
        }
    }

    private static String whose(String plugin, String kind) {
        return (plugin == null ? "the host's " : "its ") + switch (kind) {
            case "task" -> "scheduled tasks";
            case "listener" -> "event listeners";
            case "handler" -> "message handlers";
            case "extension" -> "extensions";
            case "lease" -> "task leases";
            default -> kind + "s";
        };
    }
}
