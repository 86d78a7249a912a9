package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.api.exception.PluginTimeoutException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.runtime.EngineLimits;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.descriptor.PluginJar;
import io.pluginhost.runtime.descriptor.PluginLibraries;
import io.pluginhost.runtime.event.EventHub;
import io.pluginhost.runtime.internal.DetachedException;
import io.pluginhost.runtime.internal.GuardedRepository;
import io.pluginhost.runtime.internal.LifecycleThreads;
import io.pluginhost.runtime.internal.MetricsRelay;
import io.pluginhost.runtime.internal.PluginEventBus;
import io.pluginhost.runtime.internal.SettingsConfig;
import io.pluginhost.runtime.internal.TaskTimer;
import io.pluginhost.runtime.layer.ApiLayer;
import io.pluginhost.runtime.layer.MBeanRegistrations;
import io.pluginhost.runtime.layer.PluginLayer;
import io.pluginhost.runtime.resource.RepositoryProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Builds a running plugin from a validated jar, and takes one apart: the two halves of the
 * lifecycle that touch plugin code. Assembling defines the layer (parents: the API layer and the
 * dependencies' layers) and makes the provider (its construction within the initialize deadline
 * when it is plugin code), opens the repositories, builds the context and runs {@code initialize}
 * within its deadline; any failure tears everything down again. Tearing down removes listeners, runs
 * {@code cleanup} within its deadline, closes repositories, invalidates the context, closes the jar,
 * drops the layer and hands the loader to the {@link LeakWatch}. A failed load and an unload leave the same nothing.
 *
 * <p>Not thread-safe: the engine calls it under its lifecycle lock.
 */
public final class PluginAssembler {

    private static final System.Logger LOG = System.getLogger(PluginAssembler.class.getName());
    /** The phase a provider's construction is reported as, in timeouts and thread names. */
    private static final String CONSTRUCTOR = "constructor";

    private final ApiLayer api;
    private final EventHub hub;
    private final HostServices services;
    private final EngineLimits limits;
    private final PluginRegistry registry;
    private final LeakWatch leaks;
    private final LoadedPlugin.ErrorSink errors;
    private final LifecycleThreads threads;
    private final MetricsRelay metrics;
    private final PluginLibraries libraries;
    private final PluginLayer.Construction construction = new ProviderConstruction();
    private final TaskTimer timer;
    private final MBeanRegistrations mbeans;
    /** Whether a plugin that can reach {@code java.beans} was torn down since {@link #afterOperation}. */
    private boolean beanCachesToFlush;

    /**
     * @param api      the API layer every plugin layer descends from
     * @param hub      the event hub plugins' buses use
     * @param services the repositories the host offers
     * @param limits   call depth and deadlines
     * @param registry where the dependencies' layers are found
     * @param leaks    what watches unloaded loaders
     * @param errors   where errors of plugin code no caller waits for go
     * @param threads  where {@code initialize} and {@code cleanup} run
     * @param metrics  where plugins' work is reported
     * @param timer    where plugins' scheduled tasks wait for their time
     * @param mbeans   the MBeans registered while plugins that can reach {@code java.management} ran
     */
    public PluginAssembler(ApiLayer api, EventHub hub, HostServices services, EngineLimits limits,
                           PluginRegistry registry, LeakWatch leaks, LoadedPlugin.ErrorSink errors,
                           LifecycleThreads threads, MetricsRelay metrics, PluginLibraries libraries, TaskTimer timer,
                           MBeanRegistrations mbeans) {
        this.timer = timer;
        this.mbeans = mbeans;
        this.libraries = libraries;
        this.metrics = metrics;
        this.api = api;
        this.hub = hub;
        this.services = services;
        this.limits = limits;
        this.registry = registry;
        this.leaks = leaks;
        this.errors = errors;
        this.threads = threads;
    }

    /**
     * Assembling, first half: everything up to {@code initialize}. The engine then runs the
     * plugin's {@link #initializeCall} on the lifecycle worker, alone or in a batch with other
     * plugins' ({@link LifecycleThreads#callAll}), and finishes with {@link #initialized}.
     *
     * @param jar  a validated jar whose dependencies are loaded
     * @param plan what validation decided: resources, bound dependencies, settings
     * @return the plugin, its layer defined and its context active, {@code initialize} not yet called
     * @throws PluginLoadException if anything failed; everything was rolled back
     */
    public LoadedPlugin prepare(PluginJar jar, LoadPlan plan) {
        List<ModuleLayer> dependencyLayers = new ArrayList<>();
        Map<String, Plugin> dependencies = new LinkedHashMap<>();
        for (String dependency : plan.bound()) {
            PluginLayer layer = registry.require(dependency).layer();
            dependencyLayers.add(layer.layer());
            dependencies.put(dependency, layer.instance());
        }
        PluginLayer layer = PluginLayer.define(jar, api, dependencyLayers, construction, mbeans);
        LoadedPlugin plugin = new LoadedPlugin(jar.descriptor(), jar.path(), plan, layer, errors,
                limits.maxCallDepth(), threads, jar.provider().cleanup(), jar.provider().health(), metrics);
        PluginTasks tasks = new PluginTasks(plugin, timer);
        plugin.tasks = tasks;
        plugin.closeables.add(tasks);
        try {
            DatabaseRepository database = open(services.database(), DatabaseRepository.class, plugin, "database");
            KafkaRepository kafka = open(services.kafka(), KafkaRepository.class, plugin, "kafka");
            S3Repository s3 = open(services.s3(), S3Repository.class, plugin, "s3");
            plugin.context.activate(jar.descriptor(), new PluginEventBus(hub, plugin, plugin.context, metrics), dependencies,
                    new SettingsConfig(plan.config()), database, kafka, s3, registry, tasks);
            return plugin;
        } catch (Throwable t) {
            throw rolledBack(plugin, t, false);
        }
    }

    /**
     * Runs a provider's static initializer and constructor, or its {@code provider()} method, when they
     * are plugin code, as {@code initialize} runs: on a lifecycle thread, within the initialize
     * deadline. One that overruns it leaves its thread behind, named, and the loader it holds watched.
     */
    private final class ProviderConstruction implements PluginLayer.Construction {
        @Override
        public Object construct(PluginJar jar, ClassLoader loader, Callable<Object> code) throws Throwable {
            Object[] made = new Object[1];
            String thread = "plugin-" + CONSTRUCTOR + "-" + jar.name();
            Duration deadline = limits.initializeTimeout();
            LifecycleThreads.Call call = new LifecycleThreads.Call(thread, loader, () -> made[0] = code.call(),
                    deadline);
            threads.callAll(new LifecycleThreads.Call[] {call}, 0);
            switch (call.outcome()) {
                case RETURNED:
                    return made[0];
                case THREW:
                    throw call.takeFailure();
                case TIMED_OUT:
                    leaks.watch(jar.descriptor(), loader, List.of("thread '" + thread + "' is still running the"
                            + " plugin's " + CONSTRUCTOR + " past its deadline"));
                    PluginTimeoutException timeout = new PluginTimeoutException(jar.name(), CONSTRUCTOR, thread,
                            deadline);
                    throw new PluginLoadException("plugin '" + jar.name() + "' was rolled back: "
                            + timeout.getMessage(), timeout);
                default:
                    throw new IllegalStateException("the constructor of plugin '" + jar.name() + "' never ran");
            }
        }
    }

    /**
     * @param jar    the jar it was prepared from
     * @param plugin a prepared plugin
     * @return its {@code initialize} as a call for a lifecycle thread, or {@code null} if its class
     *         does not implement one
     */
    public LifecycleThreads.Call initializeCall(PluginJar jar, LoadedPlugin plugin) {
        if (!jar.provider().initialize()) {
            return null;
        }
        Plugin instance = plugin.layer().instance();
        return plugin.lifecycleCall("initialize", limits.initializeTimeout(), () -> instance.initialize(plugin.context),
                jar.provider().inertInitialize());
    }

    /**
     * Assembling, second half: rolls the plugin back if its {@code initialize} failed.
     *
     * @param plugin     a prepared plugin
     * @param initialize its {@link #initializeCall}, run; {@code null} if it has none
     * @return the initialized plugin, not yet registered
     * @throws PluginLoadException if {@code initialize} threw or overran its deadline; everything
     *                             was rolled back
     */
    public LoadedPlugin initialized(LoadedPlugin plugin, LifecycleThreads.Call initialize) {
        Throwable failure = initialize == null ? null
                : plugin.failureOf(initialize, "initialize", limits.initializeTimeout());
        if (failure != null) {
            throw rolledBack(plugin, failure, true);
        }
        return plugin;
    }

    /**
     * Tears down a plugin that failed to assemble.
     *
     * @param initializeCalled whether its {@code initialize} ran (so its {@code cleanup} runs too)
     * @return the error to throw
     */
    private RuntimeException rolledBack(LoadedPlugin plugin, Throwable t, boolean initializeCalled) {
        String name = plugin.name();
        if (t instanceof PluginTimeoutException timeout) {
            tearDown(plugin, true).ifPresent(timeout::addSuppressed);
            return new PluginLoadException("plugin '" + name + "' was rolled back: " + timeout.getMessage(), timeout);
        }
        DetachedException cause = DetachedException.of(t);
        tearDown(plugin, initializeCalled).ifPresent(cause::addSuppressed);
        rethrowIfFatal(t);
        if (t instanceof PluginLoadException e) {
            return e;
        }
        return new PluginLoadException("plugin '" + name + "' failed in initialize, and was rolled back: "
                + cause.getMessage(), cause);
    }

    private <R> R open(Optional<RepositoryProvider<R>> provider, Class<R> type, LoadedPlugin plugin, String kind) {
        if (provider.isEmpty()) {
            return null;
        }
        R repository;
        try {
            repository = provider.get().open(plugin);
        } catch (Exception e) {
            throw new PluginLoadException("plugin '" + plugin.name() + "': the host could not open its "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        if (repository instanceof AutoCloseable closeable) {
            plugin.closeables.add(closeable);
        }
        return GuardedRepository.guard(type, repository, plugin.context, metrics, plugin.name(), kind);
    }

    /**
     * Takes a plugin apart. Its gate must be closed and drained (or it never opened).
     *
     * @param plugin     the plugin
     * @param runCleanup whether to call its {@code cleanup} (not when {@code initialize} never ran)
     * @return what went wrong (detached, or a timeout), if anything; the plugin is gone either way
     */
    public Optional<Throwable> tearDown(LoadedPlugin plugin, boolean runCleanup) {
        Throwable problem = null;
        hub.removeAll(plugin); // before cleanup: no listener runs in a half-cleaned plugin
        Plugin instance = plugin.layer().instance();
        if (runCleanup && plugin.implementsCleanup()) {
            try {
                plugin.callWithDeadline("cleanup", limits.cleanupTimeout(), instance::cleanup);
            } catch (Throwable t) {
                rethrowIfFatal(t);
                problem = t instanceof PluginTimeoutException ? t : DetachedException.of(t);
            }
        }
        List<AutoCloseable> closeables = new ArrayList<>(plugin.closeables);
        Collections.reverse(closeables);
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                if (problem == null) {
                    problem = DetachedException.of(e);
                } else {
                    problem.addSuppressed(DetachedException.of(e));
                }
            }
        }
        plugin.closeables.clear();
        plugin.context.invalidate();
        hub.removeAll(plugin); // anything cleanup subscribed before the context was invalidated
        ClassLoader loader = plugin.layer().classLoader();
        beanCachesToFlush |= plugin.layer().readsJavaDesktop();
        for (String registration : plugin.layer().undoGlobalRegistrations(mbeans)) {
            LOG.log(System.Logger.Level.WARNING, "plugin " + plugin.descriptor() + " left " + registration
                    + " registered; the host removed it, so that its loader can go");
        }
        if (plugin.layer().jar().moduleNames().size() > 1) {
            libraries.released(); // its unpacked copies may have no user left
        }
        plugin.layer().closeJar(); // no plugin code runs any more: its classes are all it will ever load
        plugin.release();
        leaks.watch(plugin.descriptor(), loader, plugin.stuckThreads);
        return Optional.ofNullable(problem);
    }

    /**
     * Ends a lifecycle operation: drops the JDK's bean descriptions once for all the plugins it tore down that
     * could reach {@code java.beans} ({@link PluginLayer#flushBeanCaches}; a short thread per thread group).
     */
    public void afterOperation() {
        if (beanCachesToFlush) {
            beanCachesToFlush = false;
            PluginLayer.flushBeanCaches();
        }
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError error && !(error instanceof StackOverflowError)) {
            throw error;
        }
    }
}
