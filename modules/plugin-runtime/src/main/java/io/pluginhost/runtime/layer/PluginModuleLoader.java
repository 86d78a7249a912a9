package io.pluginhost.runtime.layer;

import io.pluginhost.runtime.descriptor.PluginModuleFinder;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.ByteBuffer;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The class loader of one plugin's module and its private libraries' modules. It does what the JDK's
 * loader for {@code defineModulesWithOneLoader} does, at a fraction of the memory: classes of the
 * modules' packages come from their jars, classes of packages the plugin's dependencies' modules
 * export to the plugin module come from their loaders, and everything else (the API, the platform)
 * from the parent, the API shim. Libraries see what the plugin sees, and no other plugin sees them:
 * they are reached only through this loader. The JDK's loader also maps every package of every module the plugin reads, {@code java.base}
 * included, about 70 map entries per plugin; this one maps only the dependencies' exports. It is not
 * parallel capable (no lock object per class name): its delegation never comes back to it, so
 * loading under its own monitor cannot deadlock. Which classes a plugin may use is still decided by
 * the module system (readability and exports), as for any module.
 */
final class PluginModuleLoader extends ClassLoader {

    /** The plugin's module and its libraries', by package. */
    private final Map<String, LocalModule> localPackages;
    /** The plugin's module first, then its libraries': few, so searched rather than hashed. */
    private final List<LocalModule> localModules;
    private final LocalModule plugin;
    private final PluginModuleFinder jar;
    /** The packages the plugin's dependencies export to it, with their loaders. */
    private final Map<String, ClassLoader> remotePackages;

    /** One module this loader defines, with its jar's reader, opened on first need. */
    private final class LocalModule {
        final String name;
        final ModuleReference reference;
        final ProtectionDomain domain;
        private ModuleReader reader;

        LocalModule(ModuleReference reference) {
            this.name = reference.descriptor().name();
            this.reference = reference;
            URL location = reference.location().isPresent() ? url(reference.location().get()) : null;
            this.domain = new ProtectionDomain(new CodeSource(location, (java.security.CodeSigner[]) null), null,
                    PluginModuleLoader.this, null);
        }

        synchronized ModuleReader reader() throws IOException {
            if (reader == null) {
                reader = jar.open(name);
            }
            return reader;
        }

        boolean opensToAll(String pkg) {
            var descriptor = reference.descriptor();
            return descriptor.isOpen() || descriptor.isAutomatic() || descriptor.opens().stream()
                    .anyMatch(o -> o.source().equals(pkg) && !o.isQualified());
        }
    }

    /**
     * @param pluginName the plugin's name, the loader's name (in stack traces and heap dumps)
     * @param parent     the API shim
     * @param module     the plugin's module, resolved
     * @param libraries  its libraries' modules, resolved
     * @param parents    the plugin layer's parents (the API layer, the dependencies' layers)
     * @param jar        this load's finder, which owns the jar files the loader reads (closed at unload)
     */
    PluginModuleLoader(String pluginName, ClassLoader parent, ResolvedModule module, List<ResolvedModule> libraries,
                       List<ModuleLayer> parents, PluginModuleFinder jar) {
        super(pluginName, parent);
        this.jar = jar;
        this.remotePackages = dependencyExports(module, parents, parent);
        this.plugin = new LocalModule(module.reference());
        Map<String, LocalModule> packages = new HashMap<>();
        List<LocalModule> modules = new ArrayList<>(1 + libraries.size());
        modules.add(plugin);
        for (ResolvedModule library : libraries) {
            modules.add(new LocalModule(library.reference()));
        }
        for (LocalModule local : modules) {
            for (String pkg : local.reference.descriptor().packages()) {
                packages.put(pkg, local);
            }
        }
        this.localModules = List.copyOf(modules);
        this.localPackages = Map.copyOf(packages);
    }

    /** @return the packages the plugin's dependencies' modules export to it, mapped to their loaders */
    private static Map<String, ClassLoader> dependencyExports(ResolvedModule self, List<ModuleLayer> parents,
                                                              ClassLoader shim) {
        Map<String, ClassLoader> remote = new HashMap<>();
        for (ResolvedModule other : self.reads()) {
            ClassLoader loader = loaderOf(other.name(), parents);
            if (loader == null || loader == shim) {
                continue; // the platform or the API: the parent has them
            }
            var descriptor = other.reference().descriptor();
            if (descriptor.isAutomatic()) { // a library a dependency shares with 'requires transitive': exports all
                descriptor.packages().forEach(p -> remote.put(p, loader));
                continue;
            }
            for (var export : descriptor.exports()) {
                if (!export.isQualified() || export.targets().contains(self.name())) {
                    remote.put(export.source(), loader);
                }
            }
        }
        return Map.copyOf(remote);
    }

    private static ClassLoader loaderOf(String module, List<ModuleLayer> parents) {
        for (ModuleLayer parent : parents) {
            Optional<Module> found = parent.findModule(module);
            if (found.isPresent()) {
                Module m = found.get();
                return m.getLayer() == ModuleLayer.boot() ? null : m.getClassLoader();
            }
        }
        return null;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> type = findLoadedClass(name);
            if (type == null) {
                LocalModule local = localPackages.get(packageOf(name));
                if (local != null) {
                    type = defineLocal(local, name);
                    if (type == null) {
                        throw new ClassNotFoundException(name);
                    }
                } else {
                    ClassLoader remote = remotePackages.get(packageOf(name));
                    type = remote != null ? remote.loadClass(name) : getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        LocalModule local = localPackages.get(packageOf(name));
        Class<?> type = local != null ? defineLocal(local, name) : null;
        if (type == null) {
            throw new ClassNotFoundException(name);
        }
        return type;
    }

    /** {@code Class.forName(module, name)}: only this loader's modules. */
    @Override
    protected Class<?> findClass(String module, String name) {
        LocalModule local = localPackages.get(packageOf(name));
        if (local == null || !local.name.equals(module)) {
            return null;
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            return loaded != null ? loaded : defineLocal(local, name);
        }
    }

    /**
     * Defines a class of the host's in this loader, for code that must run as the plugin's own (see
     * {@link JdbcDriverSweep}). It lands in this loader's unnamed module, apart from the plugin's.
     *
     * @param name  the class's binary name
     * @param bytes its class file
     * @return the class, defined once
     */
    Class<?> defineHostClass(String name, byte[] bytes) {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            return loaded != null ? loaded : defineClass(name, bytes, 0, bytes.length);
        }
    }

    /** @return the class defined from the module's jar, or {@code null} if it has no such class file */
    private Class<?> defineLocal(LocalModule local, String name) {
        Optional<ByteBuffer> bytes;
        try {
            bytes = local.reader().read(name.replace('.', '/') + ".class");
        } catch (IOException e) {
            return null; // the jar was closed at unload, or cannot be read: the class is not there
        }
        if (bytes.isEmpty()) {
            return null;
        }
        return defineClass(name, bytes.get(), local.domain);
    }

    /**
     * A resource of the module, as a {@code jar:} URL that reads through the module's reader: the JDK's
     * own handler for {@code jar:} URLs keeps every jar it opened in a cache for the life of the JVM,
     * so a plugin reading its resources would keep its jar open after unload.
     */
    @Override
    protected URL findResource(String module, String name) throws IOException {
        LocalModule local = module == null ? plugin : localModule(module);
        if (local == null) {
            return null;
        }
        Optional<URI> found = local.reader().find(name);
        return found.isPresent() ? new URL(null, found.get().toString(), new EntryHandler(local, name)) : null;
    }

    /** @return the plugin's module or library of that name, or {@code null} */
    private LocalModule localModule(String name) {
        for (LocalModule local : localModules) {
            if (local.name.equals(name)) {
                return local;
            }
        }
        return null;
    }

    /** Opens one entry of a module's jar through its reader (closed at unload). */
    private final class EntryHandler extends URLStreamHandler {
        private final LocalModule module;
        private final String entry;

        EntryHandler(LocalModule module, String entry) {
            this.module = module;
            this.entry = entry;
        }

        @Override
        protected URLConnection openConnection(URL url) {
            return new URLConnection(url) {
                @Override
                public void connect() {
                    connected = true;
                }

                @Override
                public InputStream getInputStream() throws IOException {
                    return module.reader().open(entry).orElseThrow(() -> new FileNotFoundException(url.toString()));
                }
            };
        }
    }

    /**
     * {@code ClassLoader.getResource}: as for the JDK's module loaders, a resource in one of the
     * modules' packages is found only if its module opens that package to everyone (an automatic
     * module, as a library usually is, opens all); a resource outside packages is looked up in the
     * plugin's module, then in each library's.
     */
    @Override
    protected URL findResource(String name) {
        List<URL> found = resources(name, true);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        return Collections.enumeration(resources(name, false));
    }

    private List<URL> resources(String name, boolean firstOnly) {
        if (name.endsWith(".class")) {
            return List.of();
        }
        int slash = name.lastIndexOf('/');
        String pkg = slash < 0 ? "" : name.substring(0, slash).replace('/', '.');
        LocalModule owner = localPackages.get(pkg);
        List<LocalModule> candidates = owner != null ? List.of(owner) : localModules;
        List<URL> found = new ArrayList<>();
        for (LocalModule module : candidates) {
            if (owner != null && !owner.opensToAll(pkg)) {
                break;
            }
            try {
                URL url = findResource(module.name, name);
                if (url != null) {
                    found.add(url);
                    if (firstOnly) {
                        break;
                    }
                }
            } catch (IOException e) {
                // the jar was closed at unload, or cannot be read: the resource is not there
            }
        }
        return found;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static URL url(URI location) {
        try {
            return location.toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }
}
