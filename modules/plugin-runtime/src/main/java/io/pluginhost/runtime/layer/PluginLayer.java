package io.pluginhost.runtime.layer;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.runtime.descriptor.PluginJar;
import io.pluginhost.runtime.internal.DetachedException;

import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * One plugin's module layer, its class loader and its plugin instance.
 *
 * @param layer    the layer holding exactly the plugin's module
 * @param module   the plugin's module
 * @param instance the plugin
 */
public record PluginLayer(ModuleLayer layer, Module module, Plugin instance) {

    /** @return the class loader of the plugin's module */
    public ClassLoader classLoader() {
        return module.getClassLoader();
    }

    /**
     * Resolves the jar against the API layer and its declared dependencies' layers, defines a layer
     * with one loader, lets the plugin module read the host's API module, and instantiates the
     * provider through {@link ServiceLoader} (which is the only way in: the provider's package need
     * not be exported). Runs the provider's static initializer and constructor.
     *
     * @param jar              the validated jar
     * @param api              the API layer
     * @param dependencyLayers the layers of the plugin's declared dependencies
     * @return the layer
     * @throws PluginLoadException if the module cannot be resolved or defined, or the provider fails
     *                             to instantiate
     */
    public static PluginLayer define(PluginJar jar, ApiLayer api, List<ModuleLayer> dependencyLayers) {
        String moduleName = jar.module().name();
        List<ModuleLayer> parents = new ArrayList<>();
        parents.add(api.layer());
        parents.addAll(dependencyLayers);
        ModuleLayer.Controller controller;
        try {
            List<Configuration> parentConfigurations = parents.stream().map(ModuleLayer::configuration).toList();
            Configuration configuration = Configuration.resolve(jar.finder(), parentConfigurations, ModuleFinder.of(),
                    List.of(moduleName));
            controller = ModuleLayer.defineModulesWithOneLoader(configuration, parents, api.shimLoader());
        } catch (FindException | ResolutionException | LayerInstantiationException e) {
            throw new PluginLoadException("plugin '" + jar.name() + "' (module " + moduleName + " in " + jar.path()
                    + ") cannot be resolved: " + e.getMessage() + ". A plugin module may require only "
                    + ApiLayer.API_MODULE + ", platform modules and the modules of its declared dependencies", null);
        }
        ModuleLayer layer = controller.layer();
        Module module = layer.findModule(moduleName).orElseThrow();
        // Without this edge the plugin module cannot read the API classes it really gets (they live in
        // the host's unnamed module): ServiceLoader would find nothing or linking would fail.
        controller.addReads(module, api.hostApiModule());
        Plugin instance;
        try {
            instance = ServiceLoader.load(layer, Plugin.class).stream()
                    .filter(provider -> provider.type().getModule() == module)
                    .findFirst()
                    .orElseThrow(() -> new PluginLoadException("plugin '" + jar.name() + "': the service loader found"
                            + " no provider in module " + moduleName, null))
                    .get();
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new PluginLoadException("plugin '" + jar.name() + "' could not be instantiated: " + e.getMessage(),
                    DetachedException.of(e.getCause() == null ? e : e.getCause()));
        }
        return new PluginLayer(layer, module, instance);
    }
}
