package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.exception.InvalidPluginException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 */
public final class PluginLibraries implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginLibraries.class.getName());

    private final boolean deleteOnExit;
    /** The directory, made when the first library is stored. Guarded by {@code this}. */
    private Path directory;
    /** Whether a copy may have lost its last user since {@link #retainOnly} last ran. */
    private final AtomicBoolean mayHaveUnused = new AtomicBoolean();

    private PluginLibraries(boolean deleteOnExit) {
        this.deleteOnExit = deleteOnExit;
    }

    /**
     * @param deleteOnExit also delete the copies when the JVM exits (for a store nobody closes)
     * @return a store in a new temporary directory, made when the first library is stored
     */
    public static PluginLibraries inTemporaryDirectory(boolean deleteOnExit) {
        return new PluginLibraries(deleteOnExit);
    }

    /** @return the directory, or {@code null} while no library was stored */
    synchronized Path directoryIfMade() {
        return directory;
    }

    private synchronized Path directory() throws IOException {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("pluginhost-libs-");
            } catch (IOException e) {
                throw new IOException("cannot create a directory for plugin libraries: " + e, e);
            }
            if (deleteOnExit) {
                directory.toFile().deleteOnExit();
            }
        }
        return directory;
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
        Path directory = directory();
        Path staging = Files.createTempFile(directory, "unpacking-", ".tmp");
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

    private static void copy(InputStream in, OutputStream out, long maxBytes, Path pluginJar, String entry)
            throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long written = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            written += n;
            if (written > maxBytes) {
                throw new InvalidPluginException("library " + entry + " in " + pluginJar + " is larger than "
                        + maxBytes + " bytes unpacked (a plugin's libraries may take "
                        + PluginJarReader.MAX_LIBRARIES + " bytes in all, " + InMemoryZip.MAX_ENTRY + " each)");
            }
            out.write(buffer, 0, n);
        }
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
        try (Stream<Path> folders = Files.list(directory)) {
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
        Path directory = directoryIfMade();
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot delete " + path + ": " + e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete plugin libraries in " + directory + ": " + e);
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
