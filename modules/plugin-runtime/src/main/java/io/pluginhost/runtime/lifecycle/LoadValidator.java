package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.PluginDependency;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.DependencyVersionException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.descriptor.PluginJar;
import io.pluginhost.runtime.descriptor.PluginLibraries;
import io.pluginhost.runtime.graph.DependencyGraph;
import io.pluginhost.runtime.layer.ApiLayer;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.version.Version;
import io.pluginhost.runtime.version.VersionRange;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one validation of a read jar before any of its code runs, for load and reload alike: names and
 * resources, the dependency graph against the loaded plugins, dependency versions, and the modules it
 * requires. Decides which optional dependencies bind.
 */
public final class LoadValidator {

    private static final System.Logger LOG = System.getLogger(LoadValidator.class.getName());

    private final PluginRegistry registry;

    /** @param registry the loaded plugins to validate against */
    public LoadValidator(PluginRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param jar       the read jar
     * @param overrides the overrides it will load with
     * @return the resources in effect and the dependencies it binds
     * @throws io.pluginhost.api.exception.PluginException of the type naming what is wrong
     */
    public LoadPlan validate(PluginJar jar, ResourceOverrides overrides) {
        EffectiveResources resources = EffectiveResources.of(jar.descriptor(), overrides);
        // A reload's new jar stands in for the plugin it replaces: its dependents still point at it, so
        // a new dependency on one of them shows as a cycle.
        DependencyGraph.checkLoadable(jar.descriptor(), registry::descriptor);
        List<String> bound = bind(jar.descriptor());
        checkRequiredModules(jar, bound);
        return new LoadPlan(resources, bound, registry.config(jar.name()));
    }

    /**
     * The dependencies a plugin binds to now: every required one (loaded, as {@code checkLoadable}
     * made sure), in its range or refused; each optional one that is loaded in its range. An optional
     * dependency loaded in another version is left unbound, as OSGi leaves an optional import unwired.
     */
    private List<String> bind(PluginDescriptor candidate) {
        List<String> bound = new ArrayList<>();
        for (PluginDependency requirement : candidate.requirements()) {
            PluginDescriptor loaded = registry.descriptor(requirement.name());
            if (loaded == null) {
                continue; // optional and absent
            }
            Optional<String> mismatch = mismatch(requirement, loaded.version());
            if (mismatch.isEmpty()) {
                bound.add(requirement.name());
            } else if (!requirement.optional()) {
                throw new DependencyVersionException(candidate.name(), requirement.name(), requirement.versionRange(),
                        loaded.version(), mismatch.get());
            } else {
                LOG.log(System.Logger.Level.INFO, "plugin ''{0}'' leaves its optional dependency ''{1}'' unbound:"
                        + " it accepts {2}, and {3} is loaded", candidate.name(), requirement.name(),
                        requirement.versionRange(), loaded.version());
            }
        }
        return bound;
    }

    /**
     * @param requirement a declared dependency
     * @param version     a version of it
     * @return empty if the version is in the requirement's range; otherwise why not (possibly empty text)
     */
    public static Optional<String> mismatch(PluginDependency requirement, String version) {
        if (requirement.versionRange().isEmpty()) {
            return Optional.empty();
        }
        VersionRange range = VersionRange.parse(requirement.versionRange()); // its syntax was checked on reading
        Optional<Version> parsed = Version.parse(version);
        if (parsed.isEmpty()) {
            return Optional.of("'" + version + "' is not a semantic version");
        }
        return range.contains(parsed.get()) ? Optional.empty() : Optional.of("");
    }

    /**
     * A plugin module may require the API, platform modules and the modules of the dependencies it
     * binds; not the module of a plugin it does not declare (which a transitive parent layer would
     * otherwise let it resolve), and an optional dependency's only as {@code requires static}.
     */
    private void checkRequiredModules(PluginJar jar, List<String> bound) {
        PluginDescriptor descriptor = jar.descriptor();
        for (ModuleDescriptor.Requires requires : jar.module().requires()) {
            String module = requires.name();
            if (isOwnOrShared(jar, module)) {
                continue;
            }
            boolean isStatic = requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC);
            String owner = registry.pluginOfModule(module).orElse(null);
            if (owner != null && !descriptor.dependencies().contains(owner)) {
                throw new InvalidPluginException("module " + jar.module().name() + " of plugin '" + jar.name()
                        + "' requires " + module + ", the module of plugin '" + owner + "', which '" + jar.name()
                        + "' does not declare as a dependency");
            }
            if (owner != null && !bound.contains(owner) && !isStatic) {
                throw new InvalidPluginException("module " + jar.module().name() + " of plugin '" + jar.name()
                        + "' requires " + module + " of its optional dependency '" + owner + "', which it does not"
                        + " bind; write 'requires static " + module + ";' so it loads without it");
            }
            if (owner == null && !isStatic) {
                throw new InvalidPluginException("module " + jar.module().name() + " of plugin '" + jar.name()
                        + "' requires " + module + ", which is neither a platform module nor the module of a"
                        + " loaded dependency (declared: " + descriptor.requirements() + "); an optional"
                        + " dependency's module must be required as 'requires static'");
            }
        }
    }

    /**
     * @param jar     a read jar
     * @param plugins names of plugins prepared but not yet registered
     * @param modules their modules
     * @return whether its validation or assembly would look at one of them: it declares one as a
     *         dependency (required or optional), or its module requires one's module (even as
     *         {@code requires static}, which validation refuses for a plugin not declared). A jar
     *         that needs none of them can be prepared beside them and initialized in their batch.
     */
    public static boolean needsAnyOf(PluginJar jar, Set<String> plugins, Set<String> modules) {
        for (PluginDependency requirement : jar.descriptor().requirements()) {
            if (plugins.contains(requirement.name())) {
                return true;
            }
        }
        for (ModuleDescriptor.Requires requires : jar.module().requires()) {
            if (modules.contains(requires.name())) {
                return true;
            }
        }
        return false;
    }

    /** @return whether a module is the API, a platform module or one of the jar's own libraries */
    private static boolean isOwnOrShared(PluginJar jar, String module) {
        if (module.equals(ApiLayer.API_MODULE) || ModuleLayer.boot().findModule(module).isPresent()) {
            return true;
        }
        for (PluginLibraries.Library library : jar.libraries()) {
            if (library.module().name().equals(module)) {
                return true;
            }
        }
        return false;
    }
}
