package io.pluginhost.runtime.watch;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginManager;
import io.pluginhost.runtime.PluginState;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Hot deployment: watches a plugin directory and brings the engine in line with it. A jar that
 * appears is loaded; a jar a loaded plugin comes from that changes is reloaded (the engine reads and
 * validates the new content before it unloads anything, and reloads the dependents); a jar that
 * disappears is unloaded, with its dependents if {@code cascade}, else it stays loaded and the refusal
 * is logged.
 *
 * <p>Never reads a half-written file: a change is acted on only once the file's size and modification
 * time have stayed the same for the quiet period (a copy in progress keeps changing them). A file
 * that is still not a valid plugin then is reported by the engine as any bad jar is, and tried again
 * at its next change. Names not ending in {@code .jar} (uploads in progress, backups, the host's state
 * file) are ignored.
 *
 * <p>One thread of the given factory watches and acts, so changes are applied in the order they
 * settle; each action takes the engine's lifecycle lock like any operator call.
 */
public final class PluginDirectoryWatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginDirectoryWatcher.class.getName());

    private final PluginManager engine;
    private final Path directory;
    private final Duration quietPeriod;
    private final boolean cascade;
    private final WatchService watcher;
    private final Thread thread;
    /** Jars that changed and have not settled yet: what was last seen of each, and since when. */
    private final Map<Path, Seen> pending = new HashMap<>();
    /** What each jar was when the watcher last acted on it, so an unchanged jar is not reloaded. */
    private final Map<Path, Seen> actedOn = new HashMap<>();
    private volatile boolean closed;

    private record Seen(long size, FileTime modified, long sinceNanos) {
        boolean sameFile(Seen other) {
            return other != null && size == other.size && modified.equals(other.modified);
        }
    }

    /**
     * Starts watching. Jars already in the directory are taken as they are (load them first, e.g.
     * with {@link PluginManager#loadDirectory}); only changes from now on are applied.
     *
     * @param engine      the engine to keep in line
     * @param directory   the plugin directory (created if missing)
     * @param quietPeriod how long a jar must stay unchanged before it is read
     * @param cascade     whether removing a dependency's jar unloads its dependents too
     * @param threads     where the watching thread comes from (in WildFly, a managed thread factory)
     * @throws IOException if the directory cannot be watched
     */
    public PluginDirectoryWatcher(PluginManager engine, Path directory, Duration quietPeriod, boolean cascade,
                                  ThreadFactory threads) throws IOException {
        this.engine = engine;
        this.directory = directory.toAbsolutePath().normalize();
        this.quietPeriod = quietPeriod;
        this.cascade = cascade;
        Files.createDirectories(this.directory);
        this.watcher = this.directory.getFileSystem().newWatchService();
        this.directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        try (var jars = Files.list(this.directory)) {
            jars.filter(PluginDirectoryWatcher::isJar).forEach(jar -> seen(jar).ifPresent(s -> actedOn.put(jar, s)));
        }
        this.thread = threads.newThread(this::watch);
        thread.setName("plugin-directory-watcher");
        thread.start();
    }

    private void watch() {
        long tick = Math.max(10, quietPeriod.toMillis() / 4);
        while (!closed) {
            try {
                WatchKey key = watcher.poll(tick, TimeUnit.MILLISECONDS);
                if (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path name && isJar(name)) {
                            changed(directory.resolve(name));
                        } else if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            rescan();
                        }
                    }
                    key.reset();
                }
                settle();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "plugin directory watcher: " + e);
            }
        }
    }

    private void rescan() {
        try (var jars = Files.list(directory)) {
            jars.filter(PluginDirectoryWatcher::isJar).forEach(this::changed);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list " + directory + ": " + e);
        }
        actedOn.keySet().forEach(this::changed);
    }

    private void changed(Path jar) {
        Seen now = seen(jar).orElse(null);
        Seen before = pending.get(jar);
        if (now == null) {
            pending.put(jar, new Seen(-1, FileTime.fromMillis(0), System.nanoTime()));
        } else if (!now.sameFile(before)) {
            pending.put(jar, now);
        }
    }

    /** Acts on every pending jar that has not changed for the quiet period. */
    private void settle() {
        long now = System.nanoTime();
        for (Path jar : pending.keySet().toArray(Path[]::new)) {
            Seen last = pending.get(jar);
            Seen current = seen(jar).orElse(null);
            if (current != null && !current.sameFile(last)) {
                pending.put(jar, current); // still being written
                continue;
            }
            if (now - last.sinceNanos() < quietPeriod.toNanos()) {
                continue;
            }
            pending.remove(jar);
            if (current == null) {
                removed(jar);
            } else if (!current.sameFile(actedOn.get(jar))) {
                present(jar, current);
            }
        }
    }

    private void present(Path jar, Seen seen) {
        actedOn.put(jar, seen);
        Optional<PluginInfo> from = fromJar(jar);
        if (from.isPresent() && from.get().state() == PluginState.LOADED
                && !from.get().since().isBefore(seen.modified().toInstant())) {
            return; // loaded from this very content already (an upload through the admin API, say)
        }
        try {
            if (from.isPresent()) {
                LOG.log(System.Logger.Level.INFO, "hot deploy: {0} changed; reloading plugin {1}", jar.getFileName(),
                        from.get().name());
                engine.reload(from.get().name());
            } else {
                LOG.log(System.Logger.Level.INFO, "hot deploy: loading {0}", jar.getFileName());
                engine.load(jar);
            }
        } catch (PluginException e) {
            // The engine logged and reported it; the next change of the file tries again.
        }
    }

    private void removed(Path jar) {
        actedOn.remove(jar);
        Optional<PluginInfo> from = fromJar(jar);
        if (from.isEmpty()) {
            return;
        }
        String name = from.get().name();
        try {
            if (from.get().state() == PluginState.FAILED) {
                engine.unload(name); // forgets it
                return;
            }
            LOG.log(System.Logger.Level.INFO, "hot deploy: {0} removed; unloading plugin {1}{2}", jar.getFileName(),
                    name, cascade ? " and its dependents" : "");
            engine.unload(name, cascade);
        } catch (PluginException e) {
            LOG.log(System.Logger.Level.WARNING, "hot deploy: {0} was removed, but plugin ''{1}'' stays loaded: {2}",
                    jar.getFileName(), name, e.getMessage());
        }
    }

    private Optional<PluginInfo> fromJar(Path jar) {
        return engine.list().stream().filter(p -> p.source().toAbsolutePath().normalize().equals(jar)).findFirst();
    }

    private static boolean isJar(Path path) {
        String name = path.getFileName().toString();
        return name.endsWith(".jar") && !name.startsWith(".");
    }

    private static Optional<Seen> seen(Path jar) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
            return attributes.isRegularFile()
                    ? Optional.of(new Seen(attributes.size(), attributes.lastModifiedTime(), System.nanoTime()))
                    : Optional.empty();
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /** Stops watching; waits for an action in progress to finish. */
    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the watch service: " + e);
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
