package io.pluginhost.runtime.descriptor;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Finds one plugin's module for one load, and owns the jar files the layer's class loader opens
 * through it, so that {@link #close()} at unload releases the jar at once. The JDK's own module path
 * finder gives its reader to the loader for good: the file stays open until the loader is collected
 * (on Windows the jar cannot be replaced until then). Classes the plugin loads after its jar was
 * closed fail to load, as they would after unload anyway.
 *
 * <p>A jar is opened as a multi-release jar for the running JDK, as the module path does.
 * Thread-safe.
 */
public final class PluginModuleFinder implements ModuleFinder, AutoCloseable {

    private final Path jar;
    private final ModuleReference reference;
    private final List<ModuleReader> opened = new ArrayList<>();
    private boolean closed;

    PluginModuleFinder(Path jar, ModuleDescriptor descriptor) {
        this.jar = jar;
        this.reference = new ModuleReference(descriptor, jar.toUri()) {
            @Override
            public ModuleReader open() throws IOException {
                return PluginModuleFinder.this.open();
            }
        };
    }

    @Override
    public Optional<ModuleReference> find(String name) {
        return name.equals(reference.descriptor().name()) ? Optional.of(reference) : Optional.empty();
    }

    @Override
    public Set<ModuleReference> findAll() {
        return Set.of(reference);
    }

    private synchronized ModuleReader open() throws IOException {
        if (closed) {
            throw new IOException("plugin jar " + jar + " was closed: its plugin is unloaded");
        }
        ModuleReader reader = new JarReader(jar, reference.location().orElseThrow());
        opened.add(reader);
        return reader;
    }

    /** Closes every jar file opened through this finder; later opens fail. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (ModuleReader reader : opened) {
            try {
                reader.close();
            } catch (IOException e) {
                // closing a read-only zip file: nothing is lost if it fails
            }
        }
        opened.clear();
    }

    /** Reads a module's entries from its jar, as the JDK's jar module reader does. */
    private static final class JarReader implements ModuleReader {
        private final JarFile file;
        private final URI location;

        JarReader(Path jar, URI location) throws IOException {
            this.file = new JarFile(jar.toFile(), false, ZipFile.OPEN_READ, Runtime.version());
            this.location = location;
        }

        /** @return the entry, or {@code null}; an {@code IOException} once the plugin's jar was closed */
        private JarEntry entry(String name) throws IOException {
            try {
                return file.getJarEntry(name);
            } catch (IllegalStateException closed) {
                throw new IOException("plugin jar " + location + " was closed: its plugin is unloaded", closed);
            }
        }

        @Override
        public Optional<URI> find(String name) throws IOException {
            JarEntry entry = entry(name);
            if (entry == null) {
                return Optional.empty();
            }
            String path = file.isMultiRelease() ? entry.getRealName() : name;
            if (entry.isDirectory() && !path.endsWith("/")) {
                path += "/";
            }
            try {
                return Optional.of(new URI("jar", location + "!/" + path, null));
            } catch (URISyntaxException e) {
                throw new IOException("cannot name entry " + name + " of " + location + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Optional<InputStream> open(String name) throws IOException {
            JarEntry entry = entry(name);
            if (entry == null || entry.isDirectory()) {
                return Optional.empty();
            }
            try {
                return Optional.of(file.getInputStream(entry));
            } catch (IllegalStateException closed) {
                throw new IOException("plugin jar " + location + " was closed: its plugin is unloaded", closed);
            }
        }

        @Override
        public Stream<String> list() {
            return file.versionedStream().map(JarEntry::getName).toList().stream();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
