package io.pluginhost.runtime.layer;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.runtime.descriptor.PluginJar;
import io.pluginhost.runtime.descriptor.PluginModuleFinder;
import io.pluginhost.runtime.internal.DetachedException;

import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * One plugin's module layer, its class loader, its plugin instance, and the jar files its loader
 * opened (closed at unload by {@link #closeJar()}).
 *
 * @param layer    the layer holding the plugin's module and its libraries' modules
 * @param module   the plugin's module
 * @param instance the plugin
 * @param jar      what found the plugin's module, and owns the jar files opened through it
 */
public record PluginLayer(ModuleLayer layer, Module module, Plugin instance, PluginModuleFinder jar) {

    /** @return the class loader of the plugin's module */
    public ClassLoader classLoader() {
        return module.getClassLoader();
    }

    /** Closes the plugin's jar: after unload, so the file is released at once, not when GC runs. */
    public void closeJar() {
        jar.close();
    }

    /**
     * Resolves the jar against the API layer and its declared dependencies' layers, defines a layer
     * with the plugin's own {@link PluginModuleLoader}, lets the plugin module read the host's API
     * module, and instantiates the provider the module declares. Runs the provider's static
     * initializer and constructor.
     *
     * <p>The provider is instantiated as {@link java.util.ServiceLoader} would (a public static
     * {@code provider()} method, else a public no-argument constructor), but directly: the jar reader
     * already knows its class, and a service lookup would walk the parent layers' providers too.
     * Its package is exported to the engine alone, which the engine needs to call a constructor in a
     * package the plugin does not export.
     *
     * @param jar              the validated jar
     * @param api              the API layer
     * @param dependencyLayers the layers of the plugin's declared dependencies
     * @return the layer
     * @throws PluginLoadException if the module cannot be resolved or defined, or the provider fails
     *                             to instantiate; nothing stays open
     */
    public static PluginLayer define(PluginJar jar, ApiLayer api, List<ModuleLayer> dependencyLayers) {
        String moduleName = jar.module().name();
        List<ModuleLayer> parents = new ArrayList<>(1 + dependencyLayers.size());
        parents.add(api.layer());
        parents.addAll(dependencyLayers);
        PluginModuleFinder finder = jar.newFinder();
        ModuleLayer.Controller controller;
        try {
            Configuration configuration = dependencyLayers.isEmpty()
                    ? api.resolvedAlone(jar, () -> resolve(finder, parents))
                    : resolve(finder, parents);
            List<String> names = finder.moduleNames();
            List<java.lang.module.ResolvedModule> libraries = new ArrayList<>(names.size() - 1);
            for (String library : names.subList(1, names.size())) {
                libraries.add(configuration.findModule(library).orElseThrow());
            }
            PluginModuleLoader loader = new PluginModuleLoader(jar.name(), api.shimLoader(),
                    configuration.findModule(moduleName).orElseThrow(), libraries, parents, finder);
            controller = ModuleLayer.defineModules(configuration, parents, name -> loader);
        } catch (FindException | ResolutionException | LayerInstantiationException e) {
            finder.close();
            throw new PluginLoadException("plugin '" + jar.name() + "' (module " + moduleName + " in " + jar.path()
                    + ") cannot be resolved: " + e.getMessage() + ". A plugin module may require only "
                    + ApiLayer.API_MODULE + ", platform modules and the modules of its declared dependencies", null);
        }
        ModuleLayer layer = controller.layer();
        Module module = layer.findModule(moduleName).orElseThrow();
        // Without this edge the plugin module cannot read the API classes it really gets (they live in
        // the host's unnamed module): linking would fail.
        controller.addReads(module, api.hostApiModule());
        try {
            return new PluginLayer(layer, module, instantiate(jar, controller, module), finder);
        } catch (RuntimeException | LinkageError e) {
            finder.close();
            throw e;
        }
    }

    /** Resolves the plugin's module and every library (a library the plugin does not require is still its own). */
    private static Configuration resolve(PluginModuleFinder finder, List<ModuleLayer> parents) {
        List<Configuration> parentConfigurations = new ArrayList<>(parents.size());
        for (ModuleLayer parent : parents) {
            parentConfigurations.add(parent.configuration());
        }
        return Configuration.resolve(finder, parentConfigurations, ModuleFinder.of(), finder.moduleNames());
    }

    private static Plugin instantiate(PluginJar jar, ModuleLayer.Controller controller, Module module) {
        String className = jar.providerClass();
        try {
            Class<?> type = Class.forName(module, className);
            if (type == null) {
                throw new PluginLoadException("plugin '" + jar.name() + "': module " + module.getName()
                        + " declares provider " + className + ", which it does not contain", null);
            }
            if (!Plugin.class.isAssignableFrom(type) || !Modifier.isPublic(type.getModifiers())) {
                throw new PluginLoadException("plugin '" + jar.name() + "': provider " + className
                        + " must be a public class implementing " + Plugin.class.getName(), null);
            }
            controller.addExports(module, type.getPackageName(), PluginLayer.class.getModule());
            Object instance;
            if (jar.provider().providerMethod()) {
                instance = type.getMethod("provider").invoke(null);
            } else {
                instance = type.getConstructor().newInstance();
            }
            if (!(instance instanceof Plugin plugin)) {
                throw new PluginLoadException("plugin '" + jar.name() + "': " + className + ".provider() returned "
                        + (instance == null ? "null" : "a " + instance.getClass().getName()) + ", not a Plugin", null);
            }
            return plugin;
        } catch (InvocationTargetException e) {
            throw new PluginLoadException("plugin '" + jar.name() + "' could not be instantiated: "
                    + e.getCause(), DetachedException.of(e.getCause()));
        } catch (NoSuchMethodException e) {
            throw new PluginLoadException("plugin '" + jar.name() + "': provider " + className + " has neither a"
                    + " public static provider() method nor a public no-argument constructor", null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new PluginLoadException("plugin '" + jar.name() + "' could not be instantiated: " + e,
                    DetachedException.of(e));
        }
    }
}
