package io.pluginhost.runtime.watch;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginLifecycleListener;
import io.pluginhost.runtime.PluginManager;
import io.pluginhost.runtime.PluginState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Loads again the plugins that failed to load while a service they use (the database, Kafka, S3) could
 * not be reached, once it answers, and with each the plugins that failed because it was missing: a
 * server that starts before its database, or a reload during an outage, does not leave plugins failed
 * until an operator notices.
 *
 * <p>A lifecycle listener of the engine. Each failed load is looked at once, soon after: if one of the
 * plugin's services does not answer then, the plugin waits, and is looked at again every period until
 * they all answer, when it is loaded from its jar once more. A plugin that failed while its services
 * answered (a bug, a broken jar, a refused privilege) is not loaded again, nor is one whose retry fails
 * with its services answering: nothing is tried over and over. A plugin that is no longer failed (an
 * operator loaded it), no longer known, or left out (an operator unloaded it) is dropped. Looks run on
 * the {@link Timer}'s thread, never on the thread whose load failed; loads hold the host's lock for
 * changes of the plugin directory.
 */
public final class OutageRetries implements PluginLifecycleListener, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OutageRetries.class.getName());

    /** Which of a plugin's services cannot be reached now. */
    public interface Services {
        /**
         * @param plugin a plugin whose load failed
         * @return per service it uses that does not answer now, why; empty if every one answers. Bounded in time.
         */
        Map<String, String> problems(PluginDescriptor plugin);
    }

    /** Runs a look later, on a thread of the host's, one look at a time. */
    public interface Timer {
        /**
         * @param delay how long from now
         * @param look  what to run then
         */
        void after(Duration delay, Runnable look);
    }

    private final PluginManager engine;
    private final Services services;
    private final Duration period;
    private final Timer timer;
    private final Supplier<Set<String>> leftOut;
    private final Object directoryLock;
    /**
     * Every plugin whose last load failed, by name, with its jar: a plugin that failed to load for the first
     * time is not known to the engine. Dropped when it loads. Guarded by {@code this}.
     */
    private final Map<String, Path> failedJars = new LinkedHashMap<>();
    /** Plugins whose load failed since the last look, not yet looked at. Guarded by {@code this}. */
    private final Set<String> failed = new LinkedHashSet<>();
    /** Plugins waiting for their services: name to what did not answer. Guarded by {@code this}. */
    private final Map<String, Map<String, String>> waiting = new LinkedHashMap<>();
    /** Guarded by {@code this}. */
    private boolean lookDue;
    /** Guarded by {@code this}. */
    private boolean closed;

    /**
     * @param engine        the engine whose failed plugins to load again
     * @param services      which services a plugin uses do not answer
     * @param period        how often a waiting plugin's services are asked again
     * @param timer         runs the looks
     * @param leftOut       names of plugins not to load (an operator unloaded them)
     * @param directoryLock held while a plugin is loaded again, as operators' changes of the directory hold it
     */
    public OutageRetries(PluginManager engine, Services services, Duration period, Timer timer,
                         Supplier<Set<String>> leftOut, Object directoryLock) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the period between looks must be positive: " + period);
        }
        this.engine = engine;
        this.services = services;
        this.period = period;
        this.timer = timer;
        this.leftOut = leftOut;
        this.directoryLock = directoryLock;
    }

    @Override
    public void pluginFailed(String pluginName, Path source, PluginException error) {
        if (pluginName == null || source == null) {
            return; // a jar with no readable name, or a loaded plugin's listener or task: not a failed load
        }
        synchronized (this) {
            if (!closed) {
                failedJars.put(pluginName, source);
                failed.add(pluginName);
                lookIn(Duration.ZERO);
            }
        }
    }

    @Override
    public synchronized void pluginLoaded(PluginInfo plugin) {
        failedJars.remove(plugin.name());
    }

    /** @return the plugins waiting for their services, with what did not answer at the last look */
    public synchronized Map<String, Map<String, String>> waiting() {
        return Map.copyOf(waiting);
    }

    private void lookIn(Duration delay) {
        if (!lookDue) {
            lookDue = true;
            timer.after(delay, this::look);
        }
    }

    /** One look; whatever goes wrong in it, a plugin that waits is looked at again. */
    private void look() {
        try {
            lookNow();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "looking at plugins that wait for their services", e);
        } finally {
            synchronized (this) {
                if (!waiting.isEmpty() && !closed) {
                    lookIn(period);
                }
            }
        }
    }

    /** Asks the services of every plugin that failed or waits, and loads again those whose services answer. */
    private void lookNow() {
        Set<String> failedNow;
        Set<String> waitedNow;
        synchronized (this) {
            lookDue = false;
            if (closed) {
                return;
            }
            failedNow = new LinkedHashSet<>(failed);
            failed.clear();
            waitedNow = new LinkedHashSet<>(waiting.keySet());
        }
        Set<String> left = leftOut.get();
        Map<String, Map<String, String>> stillDown = new LinkedHashMap<>();
        Deque<String> ready = new ArrayDeque<>();
        Set<String> names = new LinkedHashSet<>(waitedNow);
        names.addAll(failedNow);
        for (String name : names) {
            Optional<PluginDescriptor> plugin = stillFailed(name, left);
            if (plugin.isEmpty()) {
                continue;
            }
            Map<String, String> problems = services.problems(plugin.get());
            if (!problems.isEmpty()) {
                if (!waitedNow.contains(name)) {
                    LOG.log(System.Logger.Level.INFO, () -> "plugin '" + name + "' failed to load while "
                            + String.join(" and ", problems.keySet()) + " did not answer ("
                            + String.join("; ", problems.values()) + "); it is loaded again once "
                            + (problems.size() == 1 ? "it answers" : "they answer") + ", asked every " + period);
                }
                stillDown.put(name, problems);
            } else if (waitedNow.contains(name)) {
                ready.add(name);
            }
        }
        synchronized (this) {
            waiting.clear(); // only looks change it, one at a time
            waiting.putAll(stillDown);
        }
        if (!ready.isEmpty()) {
            synchronized (directoryLock) {
                loadAgain(ready, left);
            }
        }
    }

    /**
     * @return the descriptor of a plugin whose last load failed, if its jar is still there, it is not loaded
     *         now and not left out
     */
    private Optional<PluginDescriptor> stillFailed(String name, Set<String> left) {
        Path jar;
        synchronized (this) {
            jar = failedJars.get(name);
        }
        if (jar == null || left.contains(name) || !Files.isRegularFile(jar)
                || engine.find(name).filter(p -> p.state() == PluginState.LOADED).isPresent()) {
            return Optional.empty();
        }
        try {
            return Optional.of(engine.inspect(jar)).filter(descriptor -> descriptor.name().equals(name));
        } catch (PluginException e) {
            return Optional.empty(); // replaced by a broken jar meanwhile: its own load says so
        }
    }

    /** Loads each plugin from its jar, then the failed plugins that require a plugin loaded so. */
    private void loadAgain(Deque<String> ready, Set<String> left) {
        Set<String> tried = new HashSet<>();
        while (!ready.isEmpty() && !isClosed()) {
            String name = ready.poll();
            Optional<PluginDescriptor> plugin = tried.add(name) ? stillFailed(name, left) : Optional.empty();
            if (plugin.isEmpty()) {
                continue;
            }
            Path jar;
            synchronized (this) {
                jar = failedJars.get(name);
            }
            try {
                engine.load(jar);
            } catch (PluginException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "plugin '" + name + "' failed to load again after its"
                        + " services answered: " + e.getMessage());
                continue;
            }
            LOG.log(System.Logger.Level.INFO, () -> "plugin '" + name + "' loaded again: its services answer");
            Map<String, Path> others;
            synchronized (this) {
                others = new LinkedHashMap<>(failedJars);
            }
            others.keySet().removeAll(tried);
            for (String other : others.keySet()) {
                if (stillFailed(other, left).flatMap(descriptor -> descriptor.requirement(name))
                        .filter(requirement -> !requirement.optional()).isPresent()) {
                    ready.add(other);
                }
            }
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Stops looking; a look in progress loads nothing more. */
    @Override
    public synchronized void close() {
        closed = true;
        failed.clear();
        failedJars.clear();
        waiting.clear();
    }
}
