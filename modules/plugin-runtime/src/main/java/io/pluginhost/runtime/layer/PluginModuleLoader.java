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
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The class loader of one plugin's module. It does what the JDK's loader for
 * {@code defineModulesWithOneLoader} does for a single module, at a fraction of the memory: classes
 * of the module's packages come from its jar, classes of packages its dependencies' modules export to
 * it come from their loaders, and everything else (the API, the platform) from the parent, the API
 * shim. The JDK's loader also maps every package of every module the plugin reads, {@code java.base}
 * included, about 70 map entries per plugin; this one maps only the dependencies' exports. It is not
 * parallel capable (no lock object per class name): its delegation never comes back to it, so
 * loading under its own monitor cannot deadlock. Which classes a plugin may use is still decided by
 * the module system (readability and exports), as for any module.
 */
final class PluginModuleLoader extends ClassLoader {

    private final String moduleName;
    private final Set<String> localPackages;
    private final ModuleReference reference;
    private final PluginModuleFinder jar;
    private final ProtectionDomain domain;
    /** The packages the plugin's dependencies export to it, with their loaders. */
    private final Map<String, ClassLoader> remotePackages;
    private ModuleReader reader;

    /**
     * @param pluginName the plugin's name, the loader's name (in stack traces and heap dumps)
     * @param parent     the API shim
     * @param module     the plugin's module, resolved
     * @param parents    the plugin layer's parents (the API layer, the dependencies' layers)
     * @param jar        this load's finder, which owns the jar files the loader reads (closed at unload)
     */
    PluginModuleLoader(String pluginName, ClassLoader parent, ResolvedModule module, List<ModuleLayer> parents,
                       PluginModuleFinder jar) {
        super(pluginName, parent);
        this.jar = jar;
        this.remotePackages = dependencyExports(module, parents, parent);
        this.moduleName = module.name();
        this.reference = module.reference();
        this.localPackages = reference.descriptor().packages();
        URL location = reference.location().map(PluginModuleLoader::url).orElse(null);
        this.domain = new ProtectionDomain(new CodeSource(location, (java.security.CodeSigner[]) null), null, this,
                null);
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
            for (var export : other.reference().descriptor().exports()) {
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
                String pkg = packageOf(name);
                if (localPackages.contains(pkg)) {
                    type = defineLocal(name);
                    if (type == null) {
                        throw new ClassNotFoundException(name);
                    }
                } else {
                    ClassLoader remote = remotePackages.get(pkg);
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
        Class<?> type = localPackages.contains(packageOf(name)) ? defineLocal(name) : null;
        if (type == null) {
            throw new ClassNotFoundException(name);
        }
        return type;
    }

    /** {@code Class.forName(module, name)}: only this loader's module. */
    @Override
    protected Class<?> findClass(String module, String name) {
        if (!moduleName.equals(module) || !localPackages.contains(packageOf(name))) {
            return null;
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            return loaded != null ? loaded : defineLocal(name);
        }
    }

    /** @return the class defined from the jar, or {@code null} if the jar has no such class file */
    private Class<?> defineLocal(String name) {
        Optional<ByteBuffer> bytes;
        try {
            bytes = reader().read(name.replace('.', '/') + ".class");
        } catch (IOException e) {
            return null; // the jar was closed at unload, or cannot be read: the class is not there
        }
        if (bytes.isEmpty()) {
            return null;
        }
        return defineClass(name, bytes.get(), domain);
    }

    /**
     * A resource of the module, as a {@code jar:} URL that reads through the module's reader: the JDK's
     * own handler for {@code jar:} URLs keeps every jar it opened in a cache for the life of the JVM,
     * so a plugin reading its resources would keep its jar open after unload.
     */
    @Override
    protected URL findResource(String module, String name) throws IOException {
        if (module != null && !moduleName.equals(module)) {
            return null;
        }
        Optional<URI> found = reader().find(name);
        return found.isPresent() ? new URL(null, found.get().toString(), new EntryHandler(name)) : null;
    }

    /** Opens one entry of the plugin's jar through the plugin's module reader (closed at unload). */
    private final class EntryHandler extends URLStreamHandler {
        private final String entry;

        EntryHandler(String entry) {
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
                    return reader().open(entry).orElseThrow(() -> new FileNotFoundException(url.toString()));
                }
            };
        }
    }

    /**
     * {@code ClassLoader.getResource}: as for the JDK's module loaders, a resource in one of the
     * module's packages is found only if the module opens that package to everyone.
     */
    @Override
    protected URL findResource(String name) {
        int slash = name.lastIndexOf('/');
        String pkg = slash < 0 ? "" : name.substring(0, slash).replace('/', '.');
        if (name.endsWith(".class") || localPackages.contains(pkg) && !opensToAll(pkg)) {
            return null;
        }
        try {
            return findResource(moduleName, name);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(url));
    }

    private boolean opensToAll(String pkg) {
        var descriptor = reference.descriptor();
        return descriptor.isOpen() || descriptor.opens().stream()
                .anyMatch(o -> o.source().equals(pkg) && !o.isQualified());
    }

    private synchronized ModuleReader reader() throws IOException {
        if (reader == null) {
            reader = jar.open();
        }
        return reader;
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
