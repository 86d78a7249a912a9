package io.pluginhost.runtime.watch;

import io.pluginhost.api.exception.DependencyNotFoundException;
import io.pluginhost.api.exception.DependencyVersionException;
import io.pluginhost.api.exception.DuplicatePluginException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.DirectoryLoadResult;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Hot deployment: watches a plugin directory and brings the engine in line with it. A jar that
 * appears is loaded; a jar a loaded plugin comes from that changes is reloaded (the engine reads and
 * validates the new content before it unloads anything, and reloads the dependents), unless it now
 * holds another plugin: then it counts as removed and copied in anew; a jar that disappears is unloaded,
 * with its dependents if {@code cascade} (whose jars, still there, then wait for a version of it they
 * accept, as a new jar does), else it stays loaded and the refusal is logged.
 *
 * <p>Never reads a half-written file: a change is acted on only once the file's size and modification
 * time have stayed the same for the quiet period (a copy in progress keeps changing them). Jars that
 * settle together are acted on together: removed jars first (a new version under a new file name
 * can then take its plugin's name), then changed ones, then the new ones in one
 * {@link PluginManager#loadAll}, in dependency order whatever order their files came in. A new jar
 * refused for what another jar may bring (a dependency not loaded or in another version, a plugin of
 * its name still loaded) is tried again whenever the watcher has loaded, reloaded or unloaded a
 * plugin since; any other bad file is reported by the engine as any bad jar is, and tried again at
 * its next change. Names not ending in {@code .jar} (uploads in progress, backups, the host's state
 * file) are ignored.
 *
 * <p>File events come from the platform's {@link WatchService}, and the directory is also listed every
 * rescan interval, as WildFly's own deployment scanner does: on a network file system (NFS, SMB) the
 * platform sees no event for a file another machine wrote, and on any file system events can be lost.
 * A listing compares each jar's size and modification time with what was acted on, so an unchanged
 * directory costs one listing and no action.
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
    private final Duration rescanInterval;
    /** The platform's file events, or null where there are none (listing alone then finds changes). */
    private final WatchService watcher;
    private final Thread thread;
    /** Jars that changed and have not settled yet: what was last seen of each, and since when. */
    private final Map<Path, Seen> pending = new HashMap<>();
    /** What each jar was when the watcher last acted on it, so an unchanged jar is not reloaded. */
    private final Map<Path, Seen> actedOn = new HashMap<>();
    /**
     * Jars refused for what another jar may bring (new ones, and the dependents a removed jar took with it);
     * tried again once the loaded plugins change. Written by the watching thread, and by {@link #stopWaiting}.
     */
    private final Set<Path> waiting = ConcurrentHashMap.newKeySet();
    /** Jars the host wrote and acted on itself ({@link #written}), as they were then; taken by the watching thread. */
    private final Map<Path, Seen> hostWrites = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** The directory's watch was cancelled (it was removed): watch it again once it is back. Watching thread only. */
    private boolean watchLost;

    private record Seen(long size, FileTime modified, long sinceNanos) {
        boolean sameFile(Seen other) {
            return other != null && size == other.size && modified.equals(other.modified);
        }
    }

    /**
     * Starts watching, with file events and a listing every five seconds. Jars already in the
     * directory are taken as they are (load them first, e.g. with {@link PluginManager#loadDirectory});
     * only changes from now on are applied.
     *
     * @param engine      the engine to keep in line
     * @param directory   the plugin directory (created if missing)
     * @param quietPeriod how long a jar must stay unchanged before it is read
     * @param cascade     whether removing a dependency's jar unloads its dependents too
     * @param threads     where the watching thread comes from (in WildFly, a managed thread factory)
     * @throws IOException if the directory cannot be created or listed
     */
    public PluginDirectoryWatcher(PluginManager engine, Path directory, Duration quietPeriod, boolean cascade,
                                  ThreadFactory threads) throws IOException {
        this(engine, directory, quietPeriod, DEFAULT_RESCAN, cascade, threads, true);
    }

    /** The listing interval of WildFly's deployment scanner. */
    public static final Duration DEFAULT_RESCAN = Duration.ofSeconds(5);

    /**
     * Starts watching. Jars already in the directory are taken as they are; only changes from now on
     * are applied.
     *
     * @param engine         the engine to keep in line
     * @param directory      the plugin directory (created if missing)
     * @param quietPeriod    how long a jar must stay unchanged before it is read
     * @param rescanInterval how often the directory is listed besides the file events (at least the
     *                       watcher's tick, a quarter of the quiet period)
     * @param cascade        whether removing a dependency's jar unloads its dependents too
     * @param threads        where the watching thread comes from (in WildFly, a managed thread factory)
     * @throws IOException if the directory cannot be created or listed
     * @throws IllegalArgumentException if the quiet period or the rescan interval is not positive
     */
    public PluginDirectoryWatcher(PluginManager engine, Path directory, Duration quietPeriod, Duration rescanInterval,
                                  boolean cascade, ThreadFactory threads) throws IOException {
        this(engine, directory, quietPeriod, rescanInterval, cascade, threads, true);
    }

    /** With {@code fileEvents} false, only the listing finds changes: what a network file system gives. */
    PluginDirectoryWatcher(PluginManager engine, Path directory, Duration quietPeriod, Duration rescanInterval,
                           boolean cascade, ThreadFactory threads, boolean fileEvents) throws IOException {
        // Zero would read a jar still being copied; a rescan of zero would list the directory at every tick.
        if (quietPeriod.isNegative() || quietPeriod.isZero() || rescanInterval.isNegative()
                || rescanInterval.isZero()) {
            throw new IllegalArgumentException("hot deploy's quiet period and rescan interval must be positive:"
                    + " quiet period " + quietPeriod.toMillis() + " ms, rescan interval " + rescanInterval.toMillis()
                    + " ms");
        }
        this.engine = engine;
        this.directory = directory.toAbsolutePath().normalize();
        this.quietPeriod = quietPeriod;
        this.rescanInterval = rescanInterval;
        this.cascade = cascade;
        Files.createDirectories(this.directory);
        this.watcher = fileEvents ? events(this.directory) : null;
        try (var jars = Files.list(this.directory)) {
            jars.filter(PluginDirectoryWatcher::isJar).forEach(jar -> seen(jar).ifPresent(s -> actedOn.put(jar, s)));
        }
        this.thread = threads.newThread(this::watch);
        thread.setName("plugin-directory-watcher");
        thread.start();
    }

    /**
     * Tells the watcher that the host itself put this jar into the directory and acted on it (an upload
     * through the admin API, which loads or upgrades the plugin): when the file settles as it is now,
     * the watcher does nothing. Without this, an operator who unloads the plugin before the file has
     * settled would see the watcher load it again, as a jar that appeared. A later change of the file
     * is acted on as usual. Thread-safe.
     *
     * @param jar a jar in the watched directory
     */
    public void written(Path jar) {
        Path absolute = jar.toAbsolutePath().normalize();
        seen(absolute).ifPresent(now -> hostWrites.put(absolute, now));
    }

    /**
     * Tells the watcher that an operator holds the plugin of this jar unloaded: if the jar waits for what
     * another jar may bring, it is no longer tried again; a later change of the file is acted on as usual.
     * Thread-safe.
     *
     * @param jar a jar in the watched directory
     */
    public void stopWaiting(Path jar) {
        waiting.remove(jar.toAbsolutePath().normalize());
    }

    /** @return the platform's file events for the directory, or null if it gives none (then listing alone) */
    private static WatchService events(Path directory) {
        try {
            WatchService service = directory.getFileSystem().newWatchService();
            try {
                register(directory, service);
                return service;
            } catch (IOException | UnsupportedOperationException e) {
                service.close();
                throw e;
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.WARNING, "hot deploy: no file events for " + directory + " (" + e
                    + "); the directory is listed every rescan interval instead");
            return null;
        }
    }

    private static void register(Path directory, WatchService service) throws IOException {
        directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    /**
     * Watches the directory again once it exists again, and lists it: jars copied in before the watch
     * was back raised no event.
     */
    private void watchAgain() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try {
            register(directory, watcher);
        } catch (IOException e) {
            return; // at the next tick
        }
        watchLost = false;
        LOG.log(System.Logger.Level.INFO, "hot deploy: " + directory + " is back; watching it again");
        rescan();
    }

    private void watch() {
        long tick = Math.max(10, quietPeriod.toMillis() / 4);
        long nextRescan = System.nanoTime() + rescanInterval.toNanos();
        while (!closed) {
            try {
                WatchKey key = poll(tick);
                if (System.nanoTime() - nextRescan >= 0) {
                    rescan();
                    nextRescan = System.nanoTime() + rescanInterval.toNanos();
                }
                if (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path name && isJar(name)) {
                            changed(directory.resolve(name));
                        } else if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            rescan();
                        }
                    }
                    if (!key.reset()) {
                        watchLost = true; // the directory was removed, and its events with it
                    }
                }
                if (watchLost) {
                    watchAgain();
                }
                settle();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "plugin directory watcher: " + e);
            }
        }
    }

    /** Waits up to one tick for file events; without them, just the tick. */
    private WatchKey poll(long tick) throws InterruptedException {
        if (watcher != null) {
            return watcher.poll(tick, TimeUnit.MILLISECONDS);
        }
        Thread.sleep(tick);
        return null;
    }

    /** Lists the directory: a jar that differs from what was acted on, or is gone, counts as changed. */
    private void rescan() {
        Set<Path> listed = new HashSet<>();
        try (var jars = Files.list(directory)) {
            jars.filter(PluginDirectoryWatcher::isJar).forEach(jar -> {
                listed.add(jar);
                Optional<Seen> now = seen(jar);
                if (!pending.containsKey(jar) && now.isPresent() && !now.get().sameFile(actedOn.get(jar))) {
                    changed(jar);
                }
            });
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list " + directory + ": " + e);
            return;
        }
        for (Path jar : actedOn.keySet()) {
            if (!listed.contains(jar) && !pending.containsKey(jar)) {
                changed(jar);
            }
        }
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

    /**
     * Acts on every pending jar that has not changed for the quiet period: removals, then changes,
     * then the new jars together, then the waiting ones if the loaded plugins changed.
     */
    private void settle() {
        long now = System.nanoTime();
        List<Path> removed = new ArrayList<>();
        List<Path> present = new ArrayList<>();
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
            waiting.remove(jar); // what it is now is acted on below
            Seen own = hostWrites.remove(jar);
            if (current != null && current.sameFile(own)) {
                actedOn.put(jar, current); // the host acted on this content already
                continue;
            }
            if (current == null) {
                actedOn.remove(jar);
                removed.add(jar);
            } else if (!current.sameFile(actedOn.get(jar))) {
                actedOn.put(jar, current);
                present.add(jar);
            }
        }
        boolean changed = false;
        for (Path jar : removed) {
            changed |= removed(jar, "removed");
        }
        List<Path> fresh = new ArrayList<>();
        for (Path jar : present) {
            Optional<PluginInfo> from = fromJar(jar);
            Optional<String> another = from.flatMap(plugin -> anotherPluginIn(jar, plugin));
            if (another.isPresent()) {
                // The file no longer holds its plugin: as if it were removed and the new jar copied in.
                changed |= removed(jar, "now holds plugin '" + another.get() + "'");
                from = fromJar(jar);
            }
            if (from.isEmpty()) {
                fresh.add(jar);
            } else if (another.isEmpty()) {
                changed |= reloaded(jar, from.get());
            }
        }
        if (changed) {
            fresh.addAll(waitingToRetry()); // in one batch with the new jars, in dependency order
        }
        if (loadTogether(fresh) && !changed && !waiting.isEmpty()) {
            loadTogether(waitingToRetry());
        }
    }

    /**
     * @param happened what became of the file, for the log: "removed", or that it holds another plugin now
     * @return whether it unloaded a plugin
     */
    private boolean removed(Path jar, String happened) {
        Optional<PluginInfo> from = fromJar(jar);
        if (from.isEmpty()) {
            return false;
        }
        String name = from.get().name();
        try {
            if (from.get().state() == PluginState.FAILED) {
                engine.unload(name); // forgets it
                return false;
            }
            LOG.log(System.Logger.Level.INFO, "hot deploy: {0} {1}; unloading plugin ''{2}''{3}", jar.getFileName(),
                    happened, name, cascade ? " and its dependents" : "");
            Map<String, Path> sources = new HashMap<>();
            engine.list().forEach(p -> sources.put(p.name(), p.source().toAbsolutePath().normalize()));
            for (String unloaded : engine.unload(name, cascade)) {
                Path dependent = sources.get(unloaded);
                if (!unloaded.equals(name) && dependent != null && actedOn.containsKey(dependent)) {
                    // Its jar is still here: it waits for a version of what it needs, as a jar copied in before
                    // its dependency does (an upgrade by copying the new jar in and deleting the old one).
                    waiting.add(dependent);
                }
            }
            return true;
        } catch (PluginException e) {
            LOG.log(System.Logger.Level.WARNING, "hot deploy: {0} {1}, but plugin ''{2}'' stays loaded: {3}",
                    jar.getFileName(), happened, name, e.getMessage());
            return false;
        }
    }

    /**
     * @return the name of the plugin the jar holds now, if it is not the one loaded from it; empty if it is, or if
     *         the jar cannot be read (the reload then reports why)
     */
    private Optional<String> anotherPluginIn(Path jar, PluginInfo from) {
        try {
            String now = engine.inspect(jar).name();
            return now.equals(from.name()) ? Optional.empty() : Optional.of(now);
        } catch (PluginException unreadable) {
            return Optional.empty();
        }
    }

    /** @return whether it reloaded the plugin */
    private boolean reloaded(Path jar, PluginInfo from) {
        if (from.state() == PluginState.LOADED && !from.since().isBefore(actedOn.get(jar).modified().toInstant())) {
            return false; // loaded from this very content already (an upload through the admin API, say)
        }
        try {
            LOG.log(System.Logger.Level.INFO, "hot deploy: {0} changed; reloading plugin {1}", jar.getFileName(),
                    from.name());
            engine.reload(from.name());
            return true;
        } catch (PluginException e) {
            return false; // the engine logged and reported it; the next change of the file tries again
        }
    }

    /**
     * Loads new jars in one operation. Those refused for what another jar may bring wait.
     *
     * @return whether any plugin loaded
     */
    private boolean loadTogether(List<Path> jars) {
        if (jars.isEmpty()) {
            return false;
        }
        LOG.log(System.Logger.Level.INFO, "hot deploy: loading {0}", jars.stream().map(Path::getFileName).toList());
        DirectoryLoadResult result = engine.loadAll(jars);
        result.failed().forEach((jar, e) -> {
            if (e instanceof DependencyNotFoundException || e instanceof DependencyVersionException
                    || e instanceof DuplicatePluginException) {
                waiting.add(jar);
            }
        });
        return !result.loaded().isEmpty();
    }

    /** @return the waiting jars that are still there and still not loaded; no longer waiting */
    private List<Path> waitingToRetry() {
        List<Path> retry = new ArrayList<>();
        for (Path jar : waiting) {
            if (actedOn.containsKey(jar) && fromJar(jar).isEmpty()) {
                retry.add(jar);
            }
        }
        waiting.clear();
        return retry;
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
            if (watcher != null) {
                watcher.close();
            }
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
