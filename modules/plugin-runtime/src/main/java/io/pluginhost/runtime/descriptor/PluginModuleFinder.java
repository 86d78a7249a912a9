package io.pluginhost.runtime.descriptor;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Finds one plugin's module and its private libraries' modules for one load, and owns the jar files
 * the layer's class loader opens through it, so that {@link #close()} at unload releases the jar at once. The JDK's own module path
 * finder gives its reader to the loader for good: the file stays open until the loader is collected
 * (on Windows the jar cannot be replaced until then). Classes the plugin loads after its jar was
 * closed fail to load, as they would after unload anyway.
 *
 * <p>The provider's class file, already read to validate the jar, is handed to the loader from
 * memory (once; then forgotten), and the jar is opened only when the plugin needs another entry:
 * a plugin of one class never opens it at all. A jar is opened as a multi-release jar for the
 * running JDK, as the module path does. Thread-safe.
 */
public final class PluginModuleFinder implements ModuleFinder, AutoCloseable {

    private final Path jar;
    private final ModuleReference reference;
    /**
     * Every module of the load by name, with its jar file: kept for as long as the plugin is loaded,
     * so immutable and compact (a plugin without libraries holds one entry).
     */
    private final Map<String, Member> members;
    /** The names of {@link #members}: the plugin's first, then its libraries'. */
    private final List<String> names;
    private final String providerEntry;
    private byte[] providerClass;
    /** The readers opened so far, {@code null} until the first. */
    private List<ModuleReader> opened;
    private boolean closed;

    PluginModuleFinder(Path jar, URI location, ModuleDescriptor descriptor, String providerEntry,
                       byte[] providerClass, List<PluginLibraries.Library> libraries) {
        this.jar = jar;
        this.providerEntry = providerEntry;
        this.providerClass = providerClass;
        List<Member> all = new ArrayList<>(1 + libraries.size());
        all.add(member(descriptor, jar, location));
        for (PluginLibraries.Library library : libraries) {
            all.add(member(library.module(), library.file(), library.file().toUri()));
        }
        this.reference = all.get(0).reference();
        Map<String, Member> byName = new HashMap<>();
        String[] memberNames = new String[all.size()];
        for (int i = 0; i < memberNames.length; i++) {
            memberNames[i] = all.get(i).name();
            byName.put(memberNames[i], all.get(i));
        }
        this.members = Map.copyOf(byName); // immutable maps and lists of one entry are the smallest
        this.names = List.of(memberNames);
    }

    private Member member(ModuleDescriptor descriptor, Path file, URI location) {
        String name = descriptor.name();
        ModuleReference created = new ModuleReference(descriptor, location) {
            @Override
            public ModuleReader open() throws IOException {
                return PluginModuleFinder.this.open(name);
            }
        };
        return new Member(created, file, location);
    }

    @Override
    public Optional<ModuleReference> find(String name) {
        Member member = members.get(name);
        return member == null ? Optional.empty() : Optional.of(member.reference());
    }

    @Override
    public Set<ModuleReference> findAll() {
        return members.values().stream().map(Member::reference).collect(Collectors.toUnmodifiableSet());
    }

    /** @return the unpacked files of the plugin's private libraries, if it has any */
    public List<Path> libraryFiles() {
        if (names.size() == 1) {
            return List.of();
        }
        List<Path> files = new ArrayList<>(names.size() - 1);
        for (String name : names.subList(1, names.size())) {
            files.add(members.get(name).path());
        }
        return files;
    }

    /** @return the names of the modules of this load: the plugin's first, then its libraries' */
    public List<String> moduleNames() {
        return names;
    }

    /**
     * @return a reader of the plugin's jar that {@link #close()} closes; the plugin's class loader
     *         reads through it (not through the module reference, which a configuration resolved
     *         for an earlier load of the same jar may hold)
     * @throws IOException once closed
     */
    public ModuleReader open() throws IOException {
        return open(reference.descriptor().name());
    }

    /**
     * @param module the plugin's module or one of its libraries'
     * @return a reader of that module's jar that {@link #close()} closes
     * @throws IOException once closed, or for a module that is not of this load
     */
    public synchronized ModuleReader open(String module) throws IOException {
        if (closed) {
            throw new IOException("plugin jar " + jar + " was closed: its plugin is unloaded");
        }
        Member member = members.get(module);
        if (member == null) {
            throw new IOException("module " + module + " is not in plugin jar " + jar);
        }
        JarReader reader = new JarReader(this, member.path(), member.location(), member.path().equals(jar));
        if (opened == null) {
            opened = new ArrayList<>(1);
        }
        opened.add(reader);
        return reader;
    }

    /** A module of the load: its reference, and the jar file it is read from with that file's URI. */
    private record Member(ModuleReference reference, Path path, URI location) {
        String name() {
            return reference.descriptor().name();
        }
    }

    /** @return the provider's class file the first time its entry is read, then {@code null} */
    private synchronized byte[] takeProviderClass(String name) {
        if (closed || providerClass == null || !name.equals(providerEntry)) {
            return null;
        }
        byte[] bytes = providerClass;
        providerClass = null;
        return bytes;
    }

    /** Closes every jar file opened through this finder; later opens fail. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        providerClass = null;
        if (opened == null) {
            return;
        }
        for (ModuleReader reader : opened) {
            try {
                reader.close();
            } catch (IOException e) {
                // closing a read-only zip file: nothing is lost if it fails
            }
        }
        opened = null;
    }

    /** Reads a module's entries from its jar, as the JDK's jar module reader does, opening it on first need. */
    private static final class JarReader implements ModuleReader {
        private final PluginModuleFinder finder;
        private final Path jar;
        private final URI location;
        private final boolean pluginModule;
        private JarFile file;
        private boolean closed;

        JarReader(PluginModuleFinder finder, Path jar, URI location, boolean pluginModule) {
            this.finder = finder;
            this.jar = jar;
            this.location = location;
            this.pluginModule = pluginModule;
        }

        private synchronized JarFile file() throws IOException {
            if (closed) {
                throw new IOException("plugin jar " + location + " was closed: its plugin is unloaded");
            }
            if (file == null) {
                file = new JarFile(jar.toFile(), false, ZipFile.OPEN_READ, Runtime.version());
            }
            return file;
        }

        /** @return the entry, or {@code null}; an {@code IOException} once the plugin's jar was closed */
        private JarEntry entry(String name) throws IOException {
            try {
                return file().getJarEntry(name);
            } catch (IllegalStateException closedMeanwhile) {
                throw new IOException("plugin jar " + location + " was closed: its plugin is unloaded", closedMeanwhile);
            }
        }

        @Override
        public Optional<URI> find(String name) throws IOException {
            JarEntry entry = entry(name);
            if (entry == null) {
                return Optional.empty();
            }
            String path = file().isMultiRelease() ? entry.getRealName() : name;
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
        public Optional<ByteBuffer> read(String name) throws IOException {
            byte[] provider = pluginModule ? finder.takeProviderClass(name) : null;
            if (provider != null) {
                return Optional.of(ByteBuffer.wrap(provider));
            }
            return ModuleReader.super.read(name);
        }

        @Override
        public Optional<InputStream> open(String name) throws IOException {
            JarEntry entry = entry(name);
            if (entry == null || entry.isDirectory()) {
                return Optional.empty();
            }
            try {
                return Optional.of(file().getInputStream(entry));
            } catch (IllegalStateException closedMeanwhile) {
                throw new IOException("plugin jar " + location + " was closed: its plugin is unloaded", closedMeanwhile);
            }
        }

        @Override
        public Stream<String> list() throws IOException {
            return file().versionedStream().map(JarEntry::getName).toList().stream();
        }

        @Override
        public synchronized void close() throws IOException {
            closed = true;
            if (file != null) {
                file.close();
            }
        }
    }
}
