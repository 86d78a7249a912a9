package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.PluginDescriptor;

import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A plugin jar that has been read and validated, but none of whose code has run.
 *
 * @param path          where it was read from
 * @param module        the module descriptor, parsed once however often the jar loads
 * @param provider      the class the module provides as {@code io.pluginhost.api.Plugin}
 * @param descriptor    the plugin metadata read from the provider's {@code @PluginMetadata}
 * @param libraries     its private libraries ({@code lib/*.jar}), unpacked, each a module of its own
 * @param location      the jar's URI, its module's location ({@code Path.toUri} asks the file system
 *                      each time whether the path is a directory)
 */
public record PluginJar(Path path, ModuleDescriptor module, Provider provider, PluginDescriptor descriptor,
                        List<PluginLibraries.Library> libraries, URI location) {

    /** Copies the libraries. */
    public PluginJar {
        libraries = List.copyOf(libraries);
    }

    /**
     * The provider class, as read to validate the jar.
     *
     * @param className      its binary name
     * @param providerMethod whether it declares {@code public static provider()}, which is then
     *                       called instead of its constructor, as {@link java.util.ServiceLoader} does
     * @param initialize     whether it may implement {@code initialize} (false only when its class
     *                       file shows it cannot: then the engine does not call the API's no-op)
     * @param cleanup        the same for {@code cleanup}
     * @param health         the same for {@code health}: the engine asks only a plugin that may implement it
     * @param inertConstruction whether making an instance runs no code of the plugin's and cannot
     *                       block (its class file shows it): then the engine makes it on the caller's
     *                       thread; otherwise on a lifecycle thread, within the initialize deadline
     * @param inertInitialize whether its {@code initialize} runs no other code of the plugin's and
     *                       cannot block (its class file shows it calls only the host's context, bus and
     *                       settings, in straight-line code): then the engine calls it on the caller's thread
     * @param classFile      its class file, which the plugin's loader defines without opening the jar
     *                       again (a one-class plugin never needs it open)
     */
    public record Provider(String className, boolean providerMethod, boolean initialize, boolean cleanup,
                           boolean health, boolean inertConstruction, boolean inertInitialize, byte[] classFile) {
    }

    /**
     * Consistent with the generated {@code equals} and cheap: equal jars have the same provider, and
     * equal providers the very same class-file array (a record compares arrays by reference). The
     * generated hash would walk both descriptors, and in a cold JVM bootstrap {@code java.lang.invoke}
     * for it (the engine keys its resolved configurations by jar).
     */
    @Override
    public int hashCode() {
        return 31 * path.hashCode() + System.identityHashCode(provider.classFile());
    }

    /** @return the binary name of the provider class */
    public String providerClass() {
        return provider.className();
    }

    /** @return the plugin's name */
    public String name() {
        return descriptor.name();
    }

    /** @return a finder of this jar's module for one load; closing it closes what the load opened */
    public PluginModuleFinder newFinder() {
        return new PluginModuleFinder(path, location, module, provider.className().replace('.', '/') + ".class",
                provider.classFile(), libraries);
    }
}
