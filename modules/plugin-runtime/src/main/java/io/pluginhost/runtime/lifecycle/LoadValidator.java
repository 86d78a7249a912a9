package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.descriptor.PluginJar;
import io.pluginhost.runtime.graph.DependencyGraph;
import io.pluginhost.runtime.layer.ApiLayer;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;

import java.lang.module.ModuleDescriptor;

/**
 * The one validation of a read jar before any of its code runs, for load and reload alike: names and
 * resources, the dependency graph against the loaded plugins, and the modules it requires.
 */
public final class LoadValidator {

    private final PluginRegistry registry;

    /** @param registry the loaded plugins to validate against */
    public LoadValidator(PluginRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param jar       the read jar
     * @param overrides the overrides it will load with
     * @return the resources in effect
     * @throws io.pluginhost.api.exception.PluginException of the type naming what is wrong
     */
    public EffectiveResources validate(PluginJar jar, ResourceOverrides overrides) {
        EffectiveResources resources = EffectiveResources.of(jar.descriptor(), overrides);
        // A reload's new jar stands in for the plugin it replaces: its dependents still point at it, so
        // a new dependency on one of them shows as a cycle.
        DependencyGraph.checkLoadable(jar.descriptor(), registry::descriptor);
        checkRequiredModules(jar);
        return resources;
    }

    /**
     * A plugin module may require the API, platform modules and the modules of its declared
     * dependencies; not the module of a plugin it does not declare (which a transitive parent layer
     * would otherwise let it resolve).
     */
    private void checkRequiredModules(PluginJar jar) {
        for (ModuleDescriptor.Requires requires : jar.module().requires()) {
            String module = requires.name();
            if (module.equals(ApiLayer.API_MODULE) || ModuleLayer.boot().findModule(module).isPresent()) {
                continue;
            }
            String owner = registry.pluginOfModule(module).orElse(null);
            if (owner != null && !jar.descriptor().dependencies().contains(owner)) {
                throw new InvalidPluginException("module " + jar.module().name() + " of plugin '" + jar.name()
                        + "' requires " + module + ", the module of plugin '" + owner + "', which '" + jar.name()
                        + "' does not declare as a dependency");
            }
            if (owner == null && !requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
                throw new InvalidPluginException("module " + jar.module().name() + " of plugin '" + jar.name()
                        + "' requires " + module + ", which is neither a platform module nor the module of a"
                        + " declared dependency (declared: " + jar.descriptor().dependencies() + ")");
            }
        }
    }
}
