package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginHealth;
import io.pluginhost.api.PluginDependency;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.PluginMetadata;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.layer.ApiLayer;
import io.pluginhost.runtime.resource.ResourceKind;
import io.pluginhost.runtime.version.ApiCompatibility;
import io.pluginhost.runtime.version.VersionRange;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.InvalidModuleDescriptorException;
import java.lang.module.ModuleDescriptor;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

/**
 * Reads a plugin jar's module descriptor and its provider's {@link PluginMetadata} from the class
 * file, without defining or loading any class, so that a jar is accepted or refused before any of
 * its code runs. It reads exactly what validation needs: the entry names (for the module's
 * packages, as the module path computes them), {@code module-info.class} and the provider's class
 * file, whose annotation is decoded by {@link ClassAnnotationReader}; of a signed jar, every entry
 * once, to check it against the signature. Stateless and thread-safe.
 */
public final class PluginJarReader {

    /** Where a plugin jar keeps its private libraries: {@code lib/*.jar}, one level deep. */
    public static final String LIBRARY_FOLDER = "lib/";

    private static final String METADATA = PluginMetadata.class.getName();
    private static final String PLUGIN_SERVICE = Plugin.class.getName();
    private static final String MODULE_INFO = "module-info.class";
    private static final String INITIALIZE = "initialize(L" + PluginContext.class.getName().replace('.', '/') + ";)V";
    private static final String CLEANUP = "cleanup()V";
    private static final String HEALTH = "health()L" + PluginHealth.class.getName().replace('.', '/') + ";";
    /** A jar up to this size (most plugins) is read whole, in one system call, and its entries found in memory; a larger one (private libraries) through {@code JarFile}. */
    static final long MAX_IN_MEMORY = 1 << 20;
    /** The most a plugin's private libraries may unpack to, in all (each: {@link InMemoryZip#MAX_ENTRY}). */
    static final long MAX_LIBRARIES = 256L << 20;
    /** The most a signed jar may inflate to: each of its entries is read whole to check its signature. */
    static final long MAX_SIGNED = 1L << 30;

    private final PluginLibraries libraries;

    /** A reader whose libraries are unpacked to a temporary directory deleted when the JVM exits. */
    public PluginJarReader() {
        this(PluginLibraries.inTemporaryDirectory(true));
    }

    /** @param libraries where private libraries are unpacked */
    public PluginJarReader(PluginLibraries libraries) {
        this.libraries = libraries;
    }

    /**
     * @param jar path to the jar
     * @return the validated jar
     * @throws InvalidPluginException if it is not a readable named module providing one
     *                                {@code Plugin} with valid {@code @PluginMetadata}
     * @throws io.pluginhost.api.exception.InvalidNameException if a name in the metadata is invalid
     */
    public PluginJar read(Path jar) {
        return read(jar, true);
    }

    /**
     * Reads what {@link #read(Path)} checks before the private libraries: the module descriptor and the
     * provider's metadata. Unpacks nothing and touches no shared state, so it may run beside any
     * plugin operation; a jar whose libraries would be refused is refused at its load.
     *
     * @param jar path to the jar
     * @return its descriptor
     * @throws InvalidPluginException as {@link #read(Path)}, for all but the libraries
     */
    public PluginDescriptor describe(Path jar) {
        return read(jar, false).descriptor();
    }

    private PluginJar read(Path jar, boolean withLibraries) {
        long size;
        try {
            BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new InvalidPluginException("plugin jar " + jar + " does not exist or is not a file");
            }
            size = attributes.size();
        } catch (IOException e) {
            throw new InvalidPluginException("plugin jar " + jar + " does not exist or is not a file", e);
        }
        try {
            return read(jar, size <= MAX_IN_MEMORY ? readWhole(jar, (int) size) : null, withLibraries);
        } catch (IOException e) {
            throw new InvalidPluginException(jar + " is not a readable module jar: " + rootMessage(e), e);
        }
    }

    /**
     * Reads the size just looked up, in one read where {@code Files.readAllBytes} makes three system
     * calls more. A jar that grew meanwhile is read in part: no longer a zip, so {@link #read(Path,
     * byte[])} falls back to {@code JarFile}.
     *
     * @param jar  a jar of at most {@link #MAX_IN_MEMORY} bytes
     * @param size its size
     * @return its content
     */
    static byte[] readWhole(Path jar, int size) throws IOException {
        byte[] content = new byte[size];
        ByteBuffer buffer = ByteBuffer.wrap(content);
        try (FileChannel channel = FileChannel.open(jar, StandardOpenOption.READ)) {
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // a short read: read on
            }
        }
        return buffer.hasRemaining() ? Arrays.copyOf(content, buffer.position()) : content;
    }

    /**
     * @param jar     path to the jar
     * @param content its whole content if already read, else {@code null}
     * @return the validated jar
     * @see #read(Path)
     */
    PluginJar read(Path jar, byte[] content) {
        return read(jar, content, true);
    }

    private PluginJar read(Path jar, byte[] content, boolean withLibraries) {
        if (content != null) {
            try {
                return read(jar, new InMemoryEntries(InMemoryZip.parse(content)), withLibraries);
            } catch (InMemoryZip.Unusual e) {
                // not a plain jar: the JDK's reader below takes it, or says what is wrong with it
            } catch (IOException e) {
                throw new InvalidPluginException(jar + " is not a readable module jar: " + rootMessage(e), e);
            }
        }
        try (JarFile file = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
            if (isSigned(file)) {
                checkSignatures(jar, file);
            }
            return read(jar, new JarFileEntries(file), withLibraries);
        } catch (IOException e) {
            throw new InvalidPluginException(jar + " is not a readable module jar: " + rootMessage(e), e);
        }
    }

    /**
     * Holds a signed jar to its signature, as the JDK's module path and a URL class loader do, but
     * whole and before any of its code runs rather than class by class as they are loaded: every
     * entry must match its digest and be signed. Who signed it is not checked (the host keeps no list
     * of trusted signers); a plugin jar is trusted code either way, and this catches one changed after
     * its vendor signed it.
     */
    private static void checkSignatures(Path jar, JarFile file) throws IOException {
        long left = MAX_SIGNED;
        byte[] buffer = new byte[8192];
        for (JarEntry entry : java.util.Collections.list(file.entries())) {
            String name = entry.getName();
            if (entry.isDirectory() || isSignatureRelated(name)) {
                continue;
            }
            try (InputStream in = file.getInputStream(entry)) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    left -= read;
                    if (left < 0) {
                        throw new InvalidPluginException(jar + " is signed and inflates to more than " + MAX_SIGNED
                                + " bytes; the host reads a signed jar whole to check its signature");
                    }
                }
            } catch (SecurityException e) {
                throw new InvalidPluginException(jar + " is signed, but entry " + name + " does not match its"
                        + " signature (" + e.getMessage() + "): the jar was changed after it was signed", e);
            }
            if (entry.getCodeSigners() == null) {
                throw new InvalidPluginException(jar + " is signed, but entry " + name + " is not signed: it was"
                        + " added after the jar was signed, or the signature is damaged; sign the whole jar again");
            }
        }
    }

    private static boolean isSigned(JarFile file) {
        for (var entries = file.entries(); entries.hasMoreElements(); ) {
            if (isSignatureFile(entries.nextElement().getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return whether the entry is a signature file, {@code META-INF/<signer>.SF}: its jar is signed.
     *         The in-memory parser asks it of every entry, so a name not ending in {@code .SF} is
     *         answered by one character.
     */
    static boolean isSignatureFile(String name) {
        int length = name.length();
        return length >= 12 && name.charAt(length - 3) == '.'
                && name.regionMatches(true, length - 2, "SF", 0, 2) && isInMetaInf(name);
    }

    /** @return whether the entry is the manifest or part of a signature, which no signature covers */
    private static boolean isSignatureRelated(String name) {
        if (!isInMetaInf(name)) {
            return false;
        }
        String file = name.substring("META-INF/".length()).toUpperCase(java.util.Locale.ROOT);
        return file.equals("MANIFEST.MF") || file.startsWith("SIG-") || file.endsWith(".SF")
                || file.endsWith(".RSA") || file.endsWith(".DSA") || file.endsWith(".EC");
    }

    private static boolean isInMetaInf(String name) {
        return name.regionMatches(true, 0, "META-INF/", 0, 9) && name.indexOf('/', 9) < 0;
    }

    private PluginJar read(Path jar, Entries file, boolean withLibraries) throws IOException {
        try {
            byte[] info = file.read(MODULE_INFO);
            if (info == null) {
                throw new InvalidPluginException(jar + " has no module-info.class; a plugin must be a named module that"
                        + " requires " + ApiLayer.API_MODULE + " and provides " + PLUGIN_SERVICE);
            }
            checkClassVersion(jar, MODULE_INFO, info);
            ModuleDescriptor module = ModuleDescriptor.read(ByteBuffer.wrap(info), () -> packages(file));
            String providerClass = checkModule(jar, module);
            byte[] classFile = file.read(providerClass.replace('.', '/') + ".class");
            if (classFile == null) {
                throw new InvalidPluginException(jar + " declares provider " + providerClass + " but has no "
                        + providerClass.replace('.', '/') + ".class");
            }
            checkClassVersion(jar, providerClass, classFile);
            ClassAnnotationReader.ProviderClass facts = ClassAnnotationReader.read(classFile, METADATA,
                    Plugin.class.getPackageName());
            if (facts.annotation().isEmpty()) {
                throw new InvalidPluginException("plugin class " + providerClass + " in " + jar
                        + " is not annotated with @" + METADATA);
            }
            PluginDescriptor descriptor = descriptorOf(jar, providerClass, facts.annotation().get());
            PluginJar.Provider provider = new PluginJar.Provider(providerClass, facts.providerMethod(),
                    facts.mayHave(INITIALIZE), facts.mayHave(CLEANUP), facts.mayHave(HEALTH),
                    facts.inertConstruction(), facts.inertInitialize(), classFile);
            return new PluginJar(jar, forLayer(module), provider, descriptor,
                    withLibraries ? libraries(file, jar, module) : List.of(), jar.toUri());
        } catch (InvalidModuleDescriptorException | java.io.UncheckedIOException | SecurityException
                | IllegalStateException e) {
            throw new InvalidPluginException(jar + " is not a readable module jar: " + rootMessage(e), e);
        }
    }

    /**
     * Unpacks and checks the jar's private libraries: each a module (automatic unless it has a
     * module-info) with a name and packages of its own, so the plugin's layer can hold them all.
     */
    private List<PluginLibraries.Library> libraries(Entries file, Path jar, ModuleDescriptor plugin)
            throws IOException {
        List<String> entries = new ArrayList<>(0);
        for (String name : file.names()) {
            if (isLibrary(name)) {
                entries.add(name);
            }
        }
        if (entries.isEmpty()) {
            return List.of();
        }
        List<PluginLibraries.Library> found = new java.util.ArrayList<>();
        Map<String, String> packageOwners = new java.util.HashMap<>();
        plugin.packages().forEach(p -> packageOwners.put(p, "the plugin module " + plugin.name()));
        Set<String> names = new HashSet<>(List.of(plugin.name()));
        long left = MAX_LIBRARIES;
        for (String entry : entries) {
            PluginLibraries.Library library;
            try (InputStream in = file.open(entry)) {
                library = libraries.store(jar, entry, in, Math.min(InMemoryZip.MAX_ENTRY, left));
            }
            left -= java.nio.file.Files.size(library.file());
            String name = library.module().name();
            if (name.equals(ApiLayer.API_MODULE) || ModuleLayer.boot().findModule(name).isPresent()) {
                throw new InvalidPluginException("library " + entry + " in " + jar + " is module " + name
                        + ", which the host already has; leave it out of lib/");
            }
            if (!names.add(name)) {
                throw new InvalidPluginException("library " + entry + " in " + jar + " is module " + name
                        + ", like another module of the plugin; keep one version of each library in lib/");
            }
            for (String pkg : library.module().packages()) {
                String owner = packageOwners.putIfAbsent(pkg, "library " + entry);
                if (owner != null) {
                    throw new InvalidPluginException("library " + entry + " in " + jar + " has package "
                            + pkg + ", which " + owner + " has too; a package must be in one module only");
                }
            }
            found.add(library);
        }
        return List.copyOf(found);
    }

    private static boolean isLibrary(String name) {
        return name.startsWith(LIBRARY_FOLDER) && name.endsWith(".jar") && name.indexOf('/', LIBRARY_FOLDER.length()) < 0;
    }

    /** What the reader needs of a jar: its entries' names (directories left out) and contents. */
    private interface Entries {
        /** @return the names of the entries that are files, as the running JDK sees a multi-release jar */
        List<String> names();

        /** @return the entry's content, or {@code null} if there is none */
        byte[] read(String name) throws IOException;

        default InputStream open(String name) throws IOException {
            return new java.io.ByteArrayInputStream(read(name));
        }
    }

    /** A plain jar read whole into memory ({@link InMemoryZip}). */
    private record InMemoryEntries(InMemoryZip zip) implements Entries {
        @Override
        public List<String> names() {
            return zip.names();
        }

        @Override
        public byte[] read(String name) throws IOException {
            try {
                return zip.read(name);
            } catch (InMemoryZip.Damaged e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /**
     * A jar the JDK reads: any zip it takes, multi-release jars for the running JDK, large entries
     * streamed. What the reader validates is checked against its CRC-32, which {@code JarFile} skips.
     */
    private record JarFileEntries(JarFile file) implements Entries {
        @Override
        public List<String> names() {
            return file.versionedStream().filter(e -> !e.isDirectory()).map(JarEntry::getName).toList();
        }

        @Override
        public byte[] read(String name) throws IOException {
            JarEntry entry = file.getJarEntry(name);
            if (entry == null) {
                return null;
            }
            byte[] content;
            try (InputStream in = file.getInputStream(entry)) {
                content = in.readNBytes(InMemoryZip.MAX_ENTRY + 1); // a zip bomb's size field may lie
            }
            if (content.length > InMemoryZip.MAX_ENTRY) {
                throw new IOException("entry " + name + " is larger than " + InMemoryZip.MAX_ENTRY + " bytes");
            }
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(content);
            if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                // JarFile does not check: what the engine validates must be what the jar holds
                throw new IOException("entry " + name + " does not match its CRC-32");
            }
            return content;
        }

        @Override
        public InputStream open(String name) throws IOException {
            return file.getInputStream(file.getJarEntry(name));
        }
    }

    /** @return the one class the module provides as {@code Plugin} */
    private static String checkModule(Path jar, ModuleDescriptor module) {
        if (ModuleLayer.boot().findModule(module.name()).isPresent()) {
            // As a library named so is: stack traces and leak reports would name the JDK's module for its frames.
            throw new InvalidPluginException("module " + module.name() + " in " + jar + " is named like a module the"
                    + " host already has (the JDK's); give the plugin's module a name of its own, e.g. its base"
                    + " package");
        }
        boolean requiresApi = false;
        for (ModuleDescriptor.Requires requires : module.requires()) {
            if (requires.name().equals(ApiLayer.API_MODULE)) {
                requiresApi = true;
                checkApiVersion(jar, module, requires);
            }
        }
        if (!requiresApi) {
            throw new InvalidPluginException("module " + module.name() + " in " + jar + " does not require "
                    + ApiLayer.API_MODULE);
        }
        List<String> providers = new ArrayList<>(1);
        for (ModuleDescriptor.Provides provides : module.provides()) {
            if (provides.service().equals(PLUGIN_SERVICE)) {
                providers.addAll(provides.providers());
            }
        }
        if (providers.size() != 1) {
            throw new InvalidPluginException("module " + module.name() + " in " + jar + " must provide " + PLUGIN_SERVICE
                    + " with exactly one class; found " + providers);
        }
        return providers.get(0);
    }

    /**
     * Refuses a class file of a newer Java than the server's in words that name both and the fix: the JDK
     * says "Unsupported major.minor version 65.0" (a plugin built by JDK 21 without {@code --release 17}).
     */
    private static void checkClassVersion(Path jar, String what, byte[] classFile) {
        if (classFile.length < 8 || (classFile[0] & 0xff) != 0xca || (classFile[1] & 0xff) != 0xfe) {
            return; // not a class file: the readers refuse it as damaged
        }
        int major = (classFile[6] & 0xff) << 8 | classFile[7] & 0xff;
        int server = Runtime.version().feature();
        if (major > server + 44) {
            throw new InvalidPluginException(what + " in " + jar + " was compiled for Java " + (major - 44)
                    + " (class file version " + major + "), and this server runs Java " + server + ": build the"
                    + " plugin with --release " + server + " (maven.compiler.release), or run the server on Java "
                    + (major - 44));
        }
    }

    /** Refuses a plugin compiled against an API version this host's does not run ({@link ApiCompatibility}). */
    private static void checkApiVersion(Path jar, ModuleDescriptor module, ModuleDescriptor.Requires api) {
        if (api.rawCompiledVersion().isPresent() && ApiCompatibility.HOST_API.isPresent()) {
            ApiCompatibility.problem(api.rawCompiledVersion().get(), ApiCompatibility.HOST_API.get())
                    .ifPresent(why -> {
                        throw new InvalidPluginException("module " + module.name() + " in " + jar + " cannot run on"
                                + " this host: " + why);
                    });
        }
    }

    /**
     * The descriptor the plugin's module is defined with: the one it declared, less the compiled
     * versions of what it requires ({@code requires java.base} compiled at 17.0.15 and the like). The
     * JDK records each as a parsed {@link ModuleDescriptor.Version} and never checks it; for a plugin
     * that requires {@code java.base} and the API that was 0.55 KiB of the 7.0 KiB an idle plugin held
     * (measured with a class histogram at 1,000 and 2,000 plugins). Everything else stays as declared.
     */
    static ModuleDescriptor forLayer(ModuleDescriptor declared) {
        ModuleDescriptor.Builder module = ModuleDescriptor.newModule(declared.name(), declared.modifiers());
        for (ModuleDescriptor.Requires requires : declared.requires()) {
            module.requires(requires.modifiers(), requires.name());
        }
        for (ModuleDescriptor.Exports exports : declared.exports()) {
            module.exports(exports);
        }
        for (ModuleDescriptor.Opens opens : declared.opens()) {
            module.opens(opens);
        }
        for (String service : declared.uses()) {
            module.uses(service);
        }
        for (ModuleDescriptor.Provides provides : declared.provides()) {
            module.provides(provides);
        }
        module.packages(declared.packages());
        if (declared.version().isPresent()) {
            module.version(declared.version().get());
        }
        if (declared.mainClass().isPresent()) {
            module.mainClass(declared.mainClass().get());
        }
        return module.build();
    }

    /**
     * The module's packages, as the module path derives them when module-info does not list them:
     * the directory of every class file and of every resource in a directory that is a legal package
     * name, outside {@code META-INF}.
     */
    private static Set<String> packages(Entries file) {
        Set<String> packages = new HashSet<>();
        file.names().forEach(name -> {
            if (name.startsWith("META-INF/") || name.equals(MODULE_INFO)
                    || name.startsWith(LIBRARY_FOLDER) && name.endsWith(".jar")) {
                return;
            }
            int slash = name.lastIndexOf('/');
            boolean classFile = name.endsWith(".class");
            if (slash < 0) {
                if (classFile) {
                    throw new InvalidModuleDescriptorException(name + " is in the unnamed package, which a module"
                            + " cannot have");
                }
                return;
            }
            String pkg = name.substring(0, slash).replace('/', '.');
            if (isPackageName(pkg)) {
                packages.add(pkg);
            } else if (classFile) {
                throw new InvalidModuleDescriptorException(name + " is in '" + pkg + "', not a legal package name");
            }
        });
        return packages;
    }

    private static boolean isPackageName(String name) {
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.codePointAt(0))
                    || !part.codePoints().allMatch(Character::isJavaIdentifierPart)) {
                return false;
            }
        }
        return true;
    }

    private static PluginDescriptor descriptorOf(Path jar, String providerClass, Map<String, Object> metadata) {
        String name = string(metadata, "name");
        String version = string(metadata, "version");
        if (name == null || version == null || version.isBlank()) {
            throw new InvalidPluginException("@PluginMetadata of " + providerClass + " in " + jar
                    + " must give a name and a non-blank version");
        }
        ResourceKind.validatePluginName(name);
        String description = string(metadata, "description");
        List<String> entries = strings(jar, metadata, "dependencies");
        PluginDependency[] requirements = new PluginDependency[entries.size()];
        String[] dependencies = new String[entries.size()];
        for (int i = 0; i < requirements.length; i++) {
            requirements[i] = dependency(jar, entries.get(i));
            dependencies[i] = requirements[i].name();
        }
        if (new HashSet<>(Arrays.asList(dependencies)).size() < dependencies.length) {
            throw new InvalidPluginException("@PluginMetadata in " + jar + " declares one dependency twice: "
                    + Arrays.toString(requirements));
        }
        return new PluginDescriptor(name, version, description, List.of(dependencies),
                strings(jar, metadata, "allowedTables"),
                strings(jar, metadata, "allowedTopics"),
                strings(jar, metadata, "allowedBuckets"),
                List.of(requirements));
    }

    /** One entry of {@code dependencies}: {@code name[?][@range]}. */
    private static PluginDependency dependency(Path jar, String entry) {
        int at = entry.indexOf('@');
        String name = (at < 0 ? entry : entry.substring(0, at)).strip();
        String range = at < 0 ? "" : entry.substring(at + 1).strip();
        boolean optional = name.endsWith("?");
        if (optional) {
            name = name.substring(0, name.length() - 1);
        }
        ResourceKind.validatePluginName(name);
        if (at >= 0) {
            try {
                VersionRange.parse(range);
            } catch (IllegalArgumentException e) {
                throw new InvalidPluginException("@PluginMetadata in " + jar + " declares dependency '" + entry
                        + "': " + e.getMessage());
            }
        }
        return new PluginDependency(name, range, optional);
    }

    private static String string(Map<String, Object> metadata, String member) {
        return metadata.get(member) instanceof String value ? value : null;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Path jar, Map<String, Object> metadata, String member) {
        if (!(metadata.get(member) instanceof List<?> values)) {
            return List.of();
        }
        List<String> names = (List<String>) values;
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new InvalidPluginException("@PluginMetadata in " + jar + " lists '" + n + "' twice in " + member);
            }
        }
        return names;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder text = new StringBuilder(String.valueOf(t.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            text.append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
