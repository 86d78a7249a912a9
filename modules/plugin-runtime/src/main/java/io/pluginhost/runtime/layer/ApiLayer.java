package io.pluginhost.runtime.layer;

import io.pluginhost.api.Plugin;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

    private final ModuleLayer layer;
    private final ClassLoader shim;

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
