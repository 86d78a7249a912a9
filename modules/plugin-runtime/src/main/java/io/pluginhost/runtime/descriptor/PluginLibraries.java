package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.api.exception.PluginException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Where the private libraries of plugin jars ({@code lib/*.jar} inside the plugin jar) are unpacked so
 * the module system can read them: the JDK reads a module only from a file, not from a jar inside a
 * jar. A library is stored once per content (SHA-256), under its own file name (an automatic module's
 * name derives from it), and shared by every load of every plugin that ships the same bytes. The files
 * are the engine's, not the operator's: the plugin jar itself is never held open, and the loader's
 * handles on these copies are closed at unload. The directory is made when the first library is
 * unpacked (most plugins ship none, and making and deleting it cost every engine 0.1 ms to start
 * and 0.35 ms to close); {@link #close()} deletes it, and {@link #retainOnly} deletes the copies no
 * loaded plugin uses any more. Thread-safe: a copy is written to a temporary name and moved into place.
 *
 * <p>What outlives the store is cleaned up too. If something else deletes the directory (systemd-tmpfiles
 * empties {@code /tmp} of what was not touched for ten days), the next library makes it again. If the
 * JVM dies without closing the store (SIGKILL, the kernel's OOM killer, a crash), the next store made
 * in the same parent deletes what it left: each directory is named after the process that made it
 * (its pid and start time) and holds a file that process keeps locked, and a directory is deleted only
 * when no such process runs and its lock is free. A directory of this JVM is never opened by the sweep:
 * on Linux, a process that closes any handle on a locked file loses its lock on it.
 */
public final class PluginLibraries implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginLibraries.class.getName());

    private static final String PREFIX = "pluginhost-libs-";
    /** In each directory: locked by the process that made it, while it runs. */
    private static final String OWNER_LOCK = "owner.lock";

    /**
     * This process, as directory names give it: pid and start time ({@code 0} where the platform has none).
     * Read when the first directory is made, not when an engine starts: in a cold JVM the JDK takes
     * about 25 ms to answer, which an engine whose plugins ship no library should not pay.
     */
    private static final class ThisProcess {
        static final long PID = ProcessHandle.current().pid();
        static final long STARTED = startMillis(ProcessHandle.current());
    }

    private final Path parent;
    private final boolean deleteOnExit;
    /** The directory, made when the first library is stored. Guarded by {@code this}. */
    private Path directory;
    /** Holds the lock on the directory's {@link #OWNER_LOCK} while the store is open. Guarded by {@code this}. */
    private FileChannel ownerLock;
    /** Whether a copy may have lost its last user since {@link #retainOnly} last ran. */
    private final AtomicBoolean mayHaveUnused = new AtomicBoolean();

    private PluginLibraries(Path parent, boolean deleteOnExit) {
        this.parent = parent;
        this.deleteOnExit = deleteOnExit;
    }

    /**
     * @param deleteOnExit also delete the copies when the JVM exits (for a store nobody closes)
     * @return a store in a new directory under the JVM's temporary directory, made when the first
     *         library is stored
     */
    public static PluginLibraries inTemporaryDirectory(boolean deleteOnExit) {
        return in(Path.of(System.getProperty("java.io.tmpdir")), deleteOnExit);
    }

    /**
     * @param parent       where the store makes its directory (made if missing), e.g. the server's
     *                     temporary directory
     * @param deleteOnExit also delete the copies when the JVM exits (for a store nobody closes)
     * @return a store in a new directory under {@code parent}, made when the first library is stored
     */
    public static PluginLibraries in(Path parent, boolean deleteOnExit) {
        return new PluginLibraries(parent.toAbsolutePath().normalize(), deleteOnExit);
    }

    /** @return the directory, or {@code null} while no library was stored */
    synchronized Path directoryIfMade() {
        return directory;
    }

    /** @return the directory, made now if no library was stored yet or if something deleted it since */
    private synchronized Path directory() throws IOException {
        if (directory != null && Files.isDirectory(directory)) {
            return directory;
        }
        if (directory != null) {
            LOG.log(System.Logger.Level.WARNING, "plugin libraries: " + directory + " was deleted by something"
                    + " else; unpacking into a new directory");
            closeQuietly(ownerLock);
        }
        Path made = Files.createTempDirectory(Files.createDirectories(parent), PREFIX + ThisProcess.PID + "-"
                + ThisProcess.STARTED + "-");
        FileChannel lock = null;
        try {
            // Locked before it takes its name, so a sweep never finds it unlocked while this JVM runs.
            Path locking = made.resolve(OWNER_LOCK + ".new");
            lock = FileChannel.open(locking, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            lock.lock();
            Files.move(locking, made.resolve(OWNER_LOCK), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            closeQuietly(lock);
            deleteTree(made);
            throw e;
        }
        directory = made;
        ownerLock = lock;
        if (deleteOnExit) {
            directory.toFile().deleteOnExit();
            directory.resolve(OWNER_LOCK).toFile().deleteOnExit();
        }
        deleteAbandoned();
        return directory;
    }

    /** Deletes the directories under the parent whose process is gone without closing its store. */
    private void deleteAbandoned() {
        int deleted = 0;
        try (DirectoryStream<Path> stores = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path store : stores) {
                if (!store.equals(directory) && deletedIfAbandoned(store)) {
                    deleted++;
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            LOG.log(System.Logger.Level.WARNING, "plugin libraries: cannot look for directories left in " + parent
                    + " by hosts that did not close: " + e);
        }
        if (deleted > 0) {
            LOG.log(System.Logger.Level.INFO, "plugin libraries: deleted " + deleted + " director"
                    + (deleted == 1 ? "y" : "ies") + " in " + parent + " left by hosts that did not close");
        }
    }

    private static boolean deletedIfAbandoned(Path store) {
        String[] maker = store.getFileName().toString().substring(PREFIX.length()).split("-");
        long pid;
        long started;
        try {
            pid = Long.parseLong(maker[0]);
            started = maker.length == 3 ? Long.parseLong(maker[1]) : -1;
        } catch (NumberFormatException e) {
            return false;
        }
        if (started < 0 || pid == ThisProcess.PID && started == ThisProcess.STARTED || runs(pid, started)) {
            return false; // not named by this class, this JVM's own, or its process runs
        }
        try (FileChannel lock = FileChannel.open(store.resolve(OWNER_LOCK), StandardOpenOption.WRITE)) {
            if (lock.tryLock() == null) {
                return false; // its process runs where this one cannot see it (another pid namespace)
            }
            deleteTree(store);
            return true;
        } catch (IOException | OverlappingFileLockException e) {
            return false; // no lock file (a host of an earlier version), or being deleted by another sweep
        }
    }

    /** @return whether a process of that pid runs and, where both are known, started then */
    private static boolean runs(long pid, long startedMillis) {
        return ProcessHandle.of(pid).map(p -> startedMillis == 0 || startMillis(p) == 0
                || startMillis(p) == startedMillis).orElse(false);
    }

    private static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * A library read from a plugin jar.
     *
     * @param entry  its entry in the plugin jar, e.g. {@code lib/gson-2.11.0.jar}
     * @param file   the unpacked copy
     * @param module its module: explicit if it has a {@code module-info.class}, else automatic
     */
    public record Library(String entry, Path file, ModuleDescriptor module) {
    }

    /**
     * Unpacks one library (or finds the copy of the same bytes) and reads its module.
     *
     * @param pluginJar the plugin jar, for messages
     * @param entry     the library's entry name
     * @param content   the entry's bytes
     * @param maxBytes  the most it may unpack to: an entry's size field may lie (a zip bomb), so the
     *                  bytes are counted as they are written
     * @return the library
     * @throws InvalidPluginException if it unpacks to more than {@code maxBytes}, or is not a jar the
     *                                module system can read as a module; no partial copy stays
     */
    Library store(Path pluginJar, String entry, InputStream content, long maxBytes) throws IOException {
        String fileName = entry.substring(entry.lastIndexOf('/') + 1);
        Path directory;
        Path staging;
        try {
            directory = directory();
            staging = Files.createTempFile(directory, "unpacking-", ".tmp");
        } catch (IOException e) {
            throw cannotUnpack(pluginJar, entry, e);
        }
        MessageDigest sha256 = sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(staging), sha256)) {
            copy(content, out, maxBytes, pluginJar, entry);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(staging);
            throw e;
        }
        mayHaveUnused.set(true); // a jar read but never loaded (refused, or only inspected) leaves its copy
        Path folder = directory.resolve(HexFormat.of().formatHex(sha256.digest(), 0, 16));
        Path file = folder.resolve(fileName);
        try {
            if (Files.exists(file)) {
                Files.delete(staging);
            } else {
                Files.createDirectories(folder);
                try {
                    Files.move(staging, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(staging, file, StandardCopyOption.REPLACE_EXISTING);
                }
                if (deleteOnExit) {
                    folder.toFile().deleteOnExit();
                    file.toFile().deleteOnExit();
                }
            }
        } catch (IOException e) {
            Files.deleteIfExists(staging);
            throw cannotUnpack(pluginJar, entry, e);
        }
        Set<ModuleReference> found;
        try {
            found = ModuleFinder.of(file).findAll();
        } catch (FindException e) {
            throw new InvalidPluginException("library " + entry + " in " + pluginJar + " cannot be read as a module: "
                    + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()), e);
        }
        if (found.size() != 1) {
            throw new InvalidPluginException("library " + entry + " in " + pluginJar + " is not a jar");
        }
        return new Library(entry, file, found.iterator().next().descriptor());
    }

    private void copy(InputStream in, OutputStream out, long maxBytes, Path pluginJar, String entry)
            throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long written = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) { // a failure to read is the jar's
            written += n;
            if (written > maxBytes) {
                throw new InvalidPluginException("library " + entry + " in " + pluginJar + " is larger than "
                        + maxBytes + " bytes unpacked (a plugin's libraries may take "
                        + PluginJarReader.MAX_LIBRARIES + " bytes in all, " + InMemoryZip.MAX_ENTRY + " each)");
            }
            try {
                out.write(buffer, 0, n);
            } catch (IOException e) { // a failure to write is the host's
                throw cannotUnpack(pluginJar, entry, e);
            }
        }
    }

    /**
     * A failure of the host's own file system (full, read-only, not writable by the server's user) while it
     * unpacks a library: not the jar's fault, so not an {@link InvalidPluginException}.
     */
    private PluginException cannotUnpack(Path pluginJar, String entry, IOException e) {
        return new PluginException("cannot unpack library " + entry + " of " + pluginJar + " under " + parent
                + ", where the engine unpacks plugins' libraries: " + e + "; the jar is not at fault: check that"
                + " directory's space and permissions", e);
    }

    /** Notes that a load with libraries was taken apart: its copies may have no user left. */
    public void released() {
        mayHaveUnused.set(true);
    }

    /**
     * @return whether a copy may have lost its last user since the last {@link #retainOnly}: a library
     *         was unpacked or {@link #released}; cleared by the call
     */
    public boolean takeMayHaveUnused() {
        return mayHaveUnused.getAndSet(false) && directoryIfMade() != null;
    }

    /**
     * Deletes every copy but those in use, so that a long-running host (upgrades, refused uploads)
     * keeps no more on disk than its loaded plugins need. The caller must keep any library from being
     * unpacked meanwhile (the engine calls it under its lifecycle lock, as it reads jars).
     *
     * @param inUse the copies the loaded plugins (and any jar still to be loaded) use
     * @return how many copies were deleted
     */
    public synchronized int retainOnly(Set<Path> inUse) {
        if (directory == null || !Files.isDirectory(directory)) {
            return 0;
        }
        int deleted = 0;
        try (Stream<Path> folders = Files.list(directory).filter(Files::isDirectory)) {
            for (Path folder : (Iterable<Path>) folders::iterator) {
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        if (!inUse.contains(file) && Files.deleteIfExists(file)) {
                            deleted++;
                        }
                    }
                }
                try {
                    Files.deleteIfExists(folder); // only if now empty
                } catch (java.nio.file.DirectoryNotEmptyException stillUsed) {
                    // a copy in it is in use
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete unused plugin libraries in " + directory + ": " + e);
        }
        return deleted;
    }

    /** Deletes every copy. Loads still holding one open keep reading it where the platform allows. */
    @Override
    public void close() {
        Path directory;
        synchronized (this) {
            directory = this.directory;
            closeQuietly(ownerLock); // first: Windows deletes no file a process has locked
            ownerLock = null;
        }
        if (directory != null && Files.exists(directory)) {
            deleteTree(directory);
        }
    }

    /** Deletes what it can of the tree; what is left (a file another process holds open) is logged. */
    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot delete " + path + ": " + e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete plugin libraries in " + root + ": " + e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot close the plugin libraries' lock: " + e);
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
