package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginDependency;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.PluginMetadata;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.layer.ApiLayer;
import io.pluginhost.runtime.resource.ResourceKind;
import io.pluginhost.runtime.version.VersionRange;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.InvalidModuleDescriptorException;
import java.lang.module.ModuleDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * file, whose annotation is decoded by {@link ClassAnnotationReader}. Stateless and thread-safe.
 */
public final class PluginJarReader {

    /** Where a plugin jar keeps its private libraries: {@code lib/*.jar}, one level deep. */
    public static final String LIBRARY_FOLDER = "lib/";

    private static final String METADATA = PluginMetadata.class.getName();
    private static final String PLUGIN_SERVICE = Plugin.class.getName();
    private static final String MODULE_INFO = "module-info.class";
    private static final String INITIALIZE = "initialize(L" + PluginContext.class.getName().replace('.', '/') + ";)V";
    private static final String CLEANUP = "cleanup()V";

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
        if (!Files.isRegularFile(jar)) {
            throw new InvalidPluginException("plugin jar " + jar + " does not exist or is not a file");
        }
        try (JarFile file = new JarFile(jar.toFile(), false, ZipFile.OPEN_READ, Runtime.version())) {
            JarEntry info = file.getJarEntry(MODULE_INFO);
            if (info == null) {
                throw new InvalidPluginException(jar + " has no module-info.class; a plugin must be a named module that"
                        + " requires " + ApiLayer.API_MODULE + " and provides " + PLUGIN_SERVICE);
            }
            ModuleDescriptor module;
            try (InputStream in = file.getInputStream(info)) {
                // Whole, then parsed: the parser reads a stream a byte at a time, each byte an inflater call.
                module = ModuleDescriptor.read(ByteBuffer.wrap(in.readAllBytes()), () -> packages(file, jar));
            }
            String providerClass = checkModule(jar, module);
            JarEntry provider = file.getJarEntry(providerClass.replace('.', '/') + ".class");
            if (provider == null) {
                throw new InvalidPluginException(jar + " declares provider " + providerClass + " but has no "
                        + providerClass.replace('.', '/') + ".class");
            }
            byte[] classFile;
            try (InputStream in = file.getInputStream(provider)) {
                classFile = in.readAllBytes();
            }
            ClassAnnotationReader.ProviderClass facts = ClassAnnotationReader.read(classFile, METADATA,
                    Plugin.class.getPackageName());
            Map<String, Object> metadata = facts.annotation().orElseThrow(() -> new InvalidPluginException(
                    "plugin class " + providerClass + " in " + jar + " is not annotated with @" + METADATA));
            boolean initialize = facts.methods().map(m -> m.contains(INITIALIZE)).orElse(true);
            boolean cleanup = facts.methods().map(m -> m.contains(CLEANUP)).orElse(true);
            PluginDescriptor descriptor = descriptorOf(jar, providerClass, metadata);
            return new PluginJar(jar, module, new PluginJar.Provider(providerClass, facts.providerMethod(), initialize,
                    cleanup, classFile), descriptor, libraries(file, jar, module));
        } catch (IOException | InvalidModuleDescriptorException | SecurityException | IllegalStateException e) {
            throw new InvalidPluginException(jar + " is not a readable module jar: " + rootMessage(e), e);
        }
    }

    /**
     * Unpacks and checks the jar's private libraries: each a module (automatic unless it has a
     * module-info) with a name and packages of its own, so the plugin's layer can hold them all.
     */
    private List<PluginLibraries.Library> libraries(JarFile file, Path jar, ModuleDescriptor plugin)
            throws IOException {
        List<JarEntry> entries = file.stream().filter(PluginJarReader::isLibrary).toList();
        if (entries.isEmpty()) {
            return List.of();
        }
        List<PluginLibraries.Library> found = new java.util.ArrayList<>();
        Map<String, String> packageOwners = new java.util.HashMap<>();
        plugin.packages().forEach(p -> packageOwners.put(p, "the plugin module " + plugin.name()));
        Set<String> names = new HashSet<>(List.of(plugin.name()));
        for (JarEntry entry : entries) {
            PluginLibraries.Library library;
            try (InputStream in = file.getInputStream(entry)) {
                library = libraries.store(jar, entry.getName(), in);
            }
            String name = library.module().name();
            if (name.equals(ApiLayer.API_MODULE) || ModuleLayer.boot().findModule(name).isPresent()) {
                throw new InvalidPluginException("library " + entry.getName() + " in " + jar + " is module " + name
                        + ", which the host already has; leave it out of lib/");
            }
            if (!names.add(name)) {
                throw new InvalidPluginException("library " + entry.getName() + " in " + jar + " is module " + name
                        + ", like another module of the plugin; keep one version of each library in lib/");
            }
            for (String pkg : library.module().packages()) {
                String owner = packageOwners.putIfAbsent(pkg, "library " + entry.getName());
                if (owner != null) {
                    throw new InvalidPluginException("library " + entry.getName() + " in " + jar + " has package "
                            + pkg + ", which " + owner + " has too; a package must be in one module only");
                }
            }
            found.add(library);
        }
        return List.copyOf(found);
    }

    private static boolean isLibrary(JarEntry entry) {
        String name = entry.getName();
        return !entry.isDirectory() && name.startsWith(LIBRARY_FOLDER) && name.endsWith(".jar")
                && name.indexOf('/', LIBRARY_FOLDER.length()) < 0;
    }

    /** @return the one class the module provides as {@code Plugin} */
    private static String checkModule(Path jar, ModuleDescriptor module) {
        if (module.requires().stream().noneMatch(r -> r.name().equals(ApiLayer.API_MODULE))) {
            throw new InvalidPluginException("module " + module.name() + " in " + jar + " does not require "
                    + ApiLayer.API_MODULE);
        }
        List<String> providers = module.provides().stream()
                .filter(p -> p.service().equals(PLUGIN_SERVICE))
                .flatMap(p -> p.providers().stream())
                .toList();
        if (providers.size() != 1) {
            throw new InvalidPluginException("module " + module.name() + " in " + jar + " must provide " + PLUGIN_SERVICE
                    + " with exactly one class; found " + providers);
        }
        return providers.get(0);
    }

    /**
     * The module's packages, as the module path derives them when module-info does not list them:
     * the directory of every class file and of every resource in a directory that is a legal package
     * name, outside {@code META-INF}.
     */
    private static Set<String> packages(JarFile file, Path jar) {
        Set<String> packages = new HashSet<>();
        file.versionedStream().filter(e -> !e.isDirectory()).map(JarEntry::getName).forEach(name -> {
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
        List<PluginDependency> requirements = strings(jar, metadata, "dependencies").stream()
                .map(entry -> dependency(jar, entry)).toList();
        List<String> dependencies = requirements.stream().map(PluginDependency::name).toList();
        if (new HashSet<>(dependencies).size() < dependencies.size()) {
            throw new InvalidPluginException("@PluginMetadata in " + jar + " declares one dependency twice: "
                    + requirements);
        }
        return new PluginDescriptor(name, version, description, dependencies,
                strings(jar, metadata, "allowedTables"),
                strings(jar, metadata, "allowedTopics"),
                strings(jar, metadata, "allowedBuckets"),
                requirements);
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
