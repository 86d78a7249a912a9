package io.pluginhost.runtime.layer;

import io.pluginhost.api.Plugin;
import io.pluginhost.runtime.descriptor.PluginJar;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The module layer that stands for the plugin API inside the JPMS world, for a host that runs in an
 * unnamed module (a class-path application, or a WildFly deployment).
 *
 * <p>It defines a module named {@value #API_MODULE} with the API's packages, mapped to
 * {@link ApiShimLoader}, which delegates those packages to the host's loader. Plugins
 * {@code requires io.pluginhost.api} and resolve against this layer; at run time they get the very
 * classes the host uses. One instance per engine: it holds the host's loader, so it must not
 * outlive the host (no static cache).
 */
public final class ApiLayer {

    /** The API's module name, as plugins require it. */
    public static final String API_MODULE = "io.pluginhost.api";

    /** The API's packages; a test checks this against plugin-api's module-info. */
    public static final Set<String> API_PACKAGES = Set.of(
            "io.pluginhost.api", "io.pluginhost.api.resource", "io.pluginhost.api.exception");

    private static final int MAX_RESOLVED = 256;

    private final ModuleLayer layer;
    private final ClassLoader shim;
    /**
     * Configurations of plugins that depend on no other plugin, by jar: resolving costs 30 to 90 µs
     * (the JDK's resolver walks the whole boot layer each time), and a configuration, which holds no
     * class loader, can define any number of layers. A changed jar is a new {@link PluginJar}, so a
     * new key. Bounded, least recently used first out; guarded by itself.
     */
    private final Map<PluginJar, Configuration> resolvedAlone = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PluginJar, Configuration> eldest) {
            return size() > MAX_RESOLVED;
        }
    };

    private ApiLayer(ModuleLayer layer, ClassLoader shim) {
        this.layer = layer;
        this.shim = shim;
    }

    /**
     * Defines the API layer on top of the boot layer.
     *
     * @return the layer
     */
    public static ApiLayer create() {
        ModuleDescriptor.Builder builder = ModuleDescriptor.newModule(API_MODULE);
        API_PACKAGES.forEach(builder::exports);
        ModuleDescriptor descriptor = builder.build();
        ModuleReference reference = new ModuleReference(descriptor, URI.create("pluginhost:" + API_MODULE)) {
            @Override
            public ModuleReader open() {
                return new EmptyModuleReader();
            }
        };
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return name.equals(API_MODULE) ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of(API_MODULE));
        ClassLoader shim = new ApiShimLoader(Plugin.class.getClassLoader(), API_PACKAGES);
        ModuleLayer layer = ModuleLayer.defineModules(configuration, List.of(ModuleLayer.boot()), n -> shim).layer();
        return new ApiLayer(layer, shim);
    }

    /**
     * @param jar     a plugin jar that depends on no other plugin
     * @param resolve resolves its configuration on this layer alone, if not done before
     * @return its configuration
     */
    public Configuration resolvedAlone(PluginJar jar, Supplier<Configuration> resolve) {
        synchronized (resolvedAlone) {
            Configuration known = resolvedAlone.get(jar);
            if (known != null) {
                return known;
            }
        }
        Configuration resolved = resolve.get();
        synchronized (resolvedAlone) {
            resolvedAlone.put(jar, resolved);
        }
        return resolved;
    }

    /** @return the layer holding the API module */
    public ModuleLayer layer() {
        return layer;
    }

    /** @return the parent loader of every plugin layer */
    public ClassLoader shimLoader() {
        return shim;
    }

    /** @return the module the host's API classes really live in (the host's unnamed module) */
    public Module hostApiModule() {
        return Plugin.class.getModule();
    }

    private static final class EmptyModuleReader implements ModuleReader {
        @Override
        public Optional<URI> find(String name) {
            return Optional.empty();
        }

        @Override
        public Stream<String> list() {
            return Stream.empty();
        }

        @Override
        public void close() {
        }
    }
}
