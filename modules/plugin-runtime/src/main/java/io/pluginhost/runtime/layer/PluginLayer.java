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
import java.util.concurrent.Callable;

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

    /**
     * @param loader a class loader
     * @return whether it is a plugin layer's (the plugin's module and its private libraries)
     */
    public static boolean isPluginLoader(ClassLoader loader) {
        return loader instanceof PluginModuleLoader;
    }

    /** @return the class loader of the plugin's module */
    public ClassLoader classLoader() {
        return module.getClassLoader();
    }

    /**
     * Deregisters the JDBC drivers the plugin's loader defined and registered, which {@code
     * DriverManager} would keep for good (with the loader). Only where the plugin could have one: it
     * ships libraries, or its module reads {@code java.sql}; for other plugins this costs nothing.
     *
     * @return the class names of the drivers deregistered
     */
    private List<String> deregisterJdbcDrivers() {
        boolean mayHaveDrivers = jar.moduleNames().size() > 1
                || JAVA_SQL.isPresent() && module.canRead(JAVA_SQL.get());
        if (!mayHaveDrivers || !(module.getClassLoader() instanceof PluginModuleLoader loader)) {
            return List.of();
        }
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        // If DriverManager has not started yet, it loads the drivers its context loader sees: none here.
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            @SuppressWarnings("unchecked")
            java.util.function.Function<ClassLoader, List<String>> sweep =
                    (java.util.function.Function<ClassLoader, List<String>>) loader.defineHostClass(
                            JdbcDriverSweep.class.getName(), SweepClassFile.BYTES).getConstructor().newInstance();
            return sweep.apply(loader);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            System.getLogger(PluginLayer.class.getName()).log(System.Logger.Level.WARNING, "could not look for"
                    + " JDBC drivers of plugin module " + module.getName() + " to deregister: " + e);
            return List.of();
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    private static final java.util.Optional<Module> JAVA_SQL = ModuleLayer.boot().findModule("java.sql");
    private static final java.util.Optional<Module> JAVA_LOGGING = ModuleLayer.boot().findModule("java.logging");
    private static final java.util.Optional<Module> JAVA_MANAGEMENT =
            ModuleLayer.boot().findModule("java.management");
    private static final java.util.Optional<Module> JAVA_DESKTOP = ModuleLayer.boot().findModule("java.desktop");

    /**
     * Undoes what the plugin's code registered in the JDK's global registries and did not take back,
     * each of which would keep its loader for the life of the JVM: JDBC drivers ({@link
     * #deregisterJdbcDrivers}), and through {@link GlobalRegistrySweep} shutdown hooks, the default
     * uncaught-exception handler, the {@code java.net} and HTTPS defaults and security providers for every
     * plugin (a few field reads and a short array), logging handlers, MBeans and ImageIO providers only
     * for a plugin whose modules can reach {@code java.logging}, {@code java.management} or {@code
     * java.desktop}. Then drops the bundles the JDK cached for its classes ({@link JdkCacheSweep}); its bean
     * descriptions go with {@link #flushBeanCaches}, after the lifecycle operation.
     *
     * @param mbeans the MBeans registered since the plugin's code first ran, where it may have left one
     * @return what was undone, one description each
     */
    public List<String> undoGlobalRegistrations(MBeanRegistrations mbeans) {
        List<String> undone = new java.util.ArrayList<>();
        for (String driver : deregisterJdbcDrivers()) {
            undone.add("the JDBC driver " + driver);
        }
        java.util.Set<ClassLoader> loaders = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Module each : layer.modules()) {
            loaders.add(each.getClassLoader());
        }
        try {
            undone.addAll(GlobalRegistrySweep.sweep(loaders, reads(layer, JAVA_LOGGING),
                    reads(layer, JAVA_MANAGEMENT) ? mbeans : null, readsJavaDesktop()));
        } catch (RuntimeException e) {
            System.getLogger(PluginLayer.class.getName()).log(System.Logger.Level.WARNING, "could not look for what"
                    + " plugin module " + module.getName() + " left in the JDK's global registries: " + e);
        }
        try {
            JdkCacheSweep.sweep(loaders);
        } catch (RuntimeException e) {
            System.getLogger(PluginLayer.class.getName()).log(System.Logger.Level.WARNING, "could not drop what the"
                    + " JDK cached for plugin module " + module.getName() + ": " + e);
        }
        return undone;
    }

    /**
     * @return whether the plugin can reach {@code java.beans}, whose bean descriptions of its classes
     *         {@link #flushBeanCaches} drops once it is unloaded
     */
    public boolean readsJavaDesktop() {
        return reads(layer, JAVA_DESKTOP);
    }

    /**
     * Drops the JDK's bean descriptions ({@code java.beans.Introspector}'s caches, one per thread group),
     * which may hold classes of plugins unloaded since: once after a lifecycle operation that unloaded any
     * plugin that {@link #readsJavaDesktop}, since the JDK can only flush them whole.
     */
    public static void flushBeanCaches() {
        try {
            JdkCacheSweep.flushBeanInfo();
        } catch (RuntimeException e) {
            System.getLogger(PluginLayer.class.getName()).log(System.Logger.Level.WARNING, "could not drop the"
                    + " JDK's bean descriptions of unloaded plugins: " + e);
        }
    }

    /** The class file of {@link JdbcDriverSweep}, read once, when a plugin that may have a driver unloads. */
    private static final class SweepClassFile {
        static final byte[] BYTES = read();

        private static byte[] read() {
            try (java.io.InputStream in = JdbcDriverSweep.class.getResourceAsStream("JdbcDriverSweep.class")) {
                if (in == null) {
                    throw new IllegalStateException("the host's JdbcDriverSweep.class is missing");
                }
                return in.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * Remembers the JDK's process-wide defaults (proxy selector, authenticator, ...) as the host has them,
     * to put back one a plugin replaced and left at its unload. Call before any plugin loads.
     */
    public static void rememberJdkDefaults() {
        HostDefaults.remember();
    }

    /** Closes the plugin's jar: after unload, so the file is released at once, not when GC runs. */
    public void closeJar() {
        jar.close();
    }

    /**
     * Resolves the jar against the API layer and its declared dependencies' layers, defines a layer
     * with the plugin's own {@link PluginModuleLoader}, lets the plugin module read the host's API
     * module, and instantiates the provider the module declares: on the caller's thread when its
     * class file shows that this runs no code of the plugin's ({@link PluginJar.Provider#inertConstruction}),
     * else through {@code construction}, which runs the static initializer and the constructor (or
     * {@code provider()}) where a deadline can be kept.
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
     * @param construction     runs a provider's construction that is plugin code
     * @param mbeans           starts watching the JVM's MBean servers if the plugin can reach them
     * @return the layer
     * @throws PluginLoadException if the module cannot be resolved or defined, or the provider fails
     *                             to instantiate (or overran the deadline); nothing stays open
     */
    public static PluginLayer define(PluginJar jar, ApiLayer api, List<ModuleLayer> dependencyLayers,
                                     Construction construction, MBeanRegistrations mbeans) {
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
        if (reads(layer, JAVA_DESKTOP)) {
            AppContextGuard.beforePluginCode();
        }
        if (reads(layer, JAVA_MANAGEMENT)) {
            mbeans.watchEveryServer();
        }
        try {
            return new PluginLayer(layer, module, instantiate(jar, controller, module, construction), finder);
        } catch (RuntimeException | LinkageError e) {
            new PluginLayer(layer, module, null, finder).undoWhatAFailedConstructionLeft(mbeans);
            finder.close();
            throw e;
        }
    }

    /**
     * A provider whose static initializer or constructor registered something in the JDK and then threw never
     * becomes a plugin that an unload would sweep: what it left is undone here, with the warnings an unload
     * gives.
     */
    private void undoWhatAFailedConstructionLeft(MBeanRegistrations mbeans) {
        for (String registration : undoGlobalRegistrations(mbeans)) {
            System.getLogger(PluginLayer.class.getName()).log(System.Logger.Level.WARNING, "plugin module "
                    + module.getName() + " failed to construct and left " + registration + " registered; the host"
                    + " removed it, so that its loader can go");
        }
        if (readsJavaDesktop()) {
            flushBeanCaches();
        }
    }

    /** @return whether a module of the layer reads that platform module (no stream: this is on a cold load's path) */
    private static boolean reads(ModuleLayer layer, java.util.Optional<Module> platformModule) {
        if (platformModule.isPresent()) {
            for (Module each : layer.modules()) {
                if (each.canRead(platformModule.get())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Resolves the plugin's module and every library (a library the plugin does not require is still its own). */
    private static Configuration resolve(PluginModuleFinder finder, List<ModuleLayer> parents) {
        List<Configuration> parentConfigurations = new ArrayList<>(parents.size());
        for (ModuleLayer parent : parents) {
            parentConfigurations.add(parent.configuration());
        }
        return Configuration.resolve(finder, parentConfigurations, ModuleFinder.of(), finder.moduleNames());
    }

    /** Runs the code that makes a plugin's provider, which is the plugin's own code. */
    public interface Construction {
        /**
         * @param jar    the plugin's jar
         * @param loader the plugin's class loader
         * @param code   the static initializer and constructor, or {@code provider()}: returns the instance
         * @return what {@code code} returned
         * @throws PluginLoadException at the deadline, if there is one (the host rolls the plugin back)
         * @throws Throwable           what {@code code} threw
         */
        Object construct(PluginJar jar, ClassLoader loader, Callable<Object> code) throws Throwable;
    }

    private static Plugin instantiate(PluginJar jar, ModuleLayer.Controller controller, Module module,
                                      Construction construction) {
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
            if (jar.provider().inertConstruction()) {
                instance = type.getConstructor().newInstance();
            } else {
                instance = construct(jar, type, module.getClassLoader(), construction);
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

    private static Object construct(PluginJar jar, Class<?> type, ClassLoader loader, Construction construction)
            throws ReflectiveOperationException {
        java.lang.reflect.Executable code = jar.provider().providerMethod() ? type.getMethod("provider")
                : type.getConstructor();
        try {
            return construction.construct(jar, loader, () -> code instanceof java.lang.reflect.Method method
                    ? method.invoke(null) : ((java.lang.reflect.Constructor<?>) code).newInstance());
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new InvocationTargetException(t); // a checked throwable of the plugin's own
        }
    }
}
