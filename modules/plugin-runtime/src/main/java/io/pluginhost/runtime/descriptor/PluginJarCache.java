package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.exception.InvalidPluginException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Remembers jars already read, so loading or reloading an unchanged jar (a cascade, a reload for new
 * overrides, a retry) does not parse it again. A jar counts as unchanged while its path, file key
 * (inode), size, modification time and content are. Content is a SHA-256 of the zip's central
 * directory, which holds every entry's name, sizes and CRC-32: a jar rewritten in place with the same
 * size and time ({@code cp -p}, {@code rsync -t}, unpacking an archive) still gets a new key. A jar
 * of up to 1 MiB (most plugins) is read whole, once: the digest and, for a jar not seen, the reader
 * both work on those bytes, so a new jar costs one read where a {@code JarFile} makes dozens of
 * system calls. Of a larger jar only the directory is read for the digest. Holds no class loader: a
 * {@link PluginJar} is descriptors and a finder. A jar whose unpacked libraries were deleted is read
 * again. Bounded; not thread-safe (the engine calls it under its lifecycle lock).
 */
public final class PluginJarCache {

    private static final int MAX_ENTRIES = 256;

    private final PluginJarReader reader;
    private final Map<Key, PluginJar> jars = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, PluginJar> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** @param reader reads what is not cached */
    public PluginJarCache(PluginJarReader reader) {
        this.reader = reader;
    }

    /**
     * Forgets the jars with a private library not in {@code inUse}: their copies are about to be
     * deleted, so such a jar is read (and its libraries unpacked) again if it is loaded again.
     *
     * @param inUse the library copies that stay
     */
    public void forgetJarsWithLibrariesOtherThan(Set<Path> inUse) {
        jars.values().removeIf(jar -> jar.libraries().stream().anyMatch(library -> !inUse.contains(library.file())));
    }

    /**
     * @param jar path to the jar
     * @return the validated jar, read now or earlier if unchanged since
     * @see PluginJarReader#read(Path)
     */
    public PluginJar read(Path jar) {
        Key key;
        byte[] content = null;
        try {
            BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new InvalidPluginException("plugin jar " + jar + " does not exist or is not a file");
            }
            ContentDigest digest;
            if (attributes.size() <= PluginJarReader.MAX_IN_MEMORY) {
                content = PluginJarReader.readWhole(jar, (int) attributes.size());
                digest = ContentDigest.of(content);
            } else {
                digest = ContentDigest.of(jar);
            }
            key = new Key(jar.toAbsolutePath().normalize(), attributes.fileKey(), attributes.size(),
                    attributes.lastModifiedTime(), digest);
        } catch (IOException e) {
            throw new InvalidPluginException("plugin jar " + jar + " does not exist or cannot be read: " + e, e);
        }
        PluginJar cached = jars.get(key);
        if (cached != null && cached.path().equals(jar) && librariesStillThere(cached)) {
            return cached;
        }
        PluginJar read = reader.read(jar, content);
        jars.put(key, read);
        return read;
    }

    /**
     * @return whether the unpacked copies of the jar's libraries are still there: something outside the
     *         engine may have deleted them (a cleaner of the temporary directory), and then the jar is read
     *         and its libraries unpacked again
     */
    private static boolean librariesStillThere(PluginJar jar) {
        for (PluginLibraries.Library library : jar.libraries()) {
            if (!Files.isRegularFile(library.file())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Written out rather than generated: a record's generated {@code equals} and {@code hashCode} are
     * bootstrapped through {@code java.lang.invoke} at their first call, which in a fresh JVM costs
     * the first load milliseconds (see README, "Why a cold JVM is slower").
     */
    private record Key(Path path, Object fileKey, long size, FileTime modified, ContentDigest content) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && size == that.size && path.equals(that.path)
                    && Objects.equals(fileKey, that.fileKey) && modified.equals(that.modified)
                    && content.equals(that.content);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * path.hashCode() + Long.hashCode(size)) + content.hashCode();
        }
    }
}
