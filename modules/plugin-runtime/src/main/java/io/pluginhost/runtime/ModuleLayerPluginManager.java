package io.pluginhost.runtime;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.DependentsLoadedException;
import io.pluginhost.api.exception.DuplicatePluginException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.api.exception.PluginNotFoundException;
import io.pluginhost.api.exception.PluginTimeoutException;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.runtime.descriptor.PluginJar;
import io.pluginhost.runtime.descriptor.PluginJarCache;
import io.pluginhost.runtime.descriptor.PluginJarReader;
import io.pluginhost.runtime.event.EventHub;
import io.pluginhost.runtime.event.Subscriber;
import io.pluginhost.runtime.graph.DependencyGraph;
import io.pluginhost.runtime.internal.DetachedException;
import io.pluginhost.runtime.internal.GuardedRepository;
import io.pluginhost.runtime.internal.PluginEventBus;
import io.pluginhost.runtime.internal.ThreadHygiene;
import io.pluginhost.runtime.layer.ApiLayer;
import io.pluginhost.runtime.layer.PluginLayer;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.PhysicalNameClaims;
import io.pluginhost.runtime.resource.RepositoryProvider;
import io.pluginhost.runtime.resource.ResourceKind;
import io.pluginhost.runtime.resource.ResourceOverrides;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The engine: each plugin in its own {@link ModuleLayer} whose parents are the API layer and the
 * layers of its declared dependencies (see {@link ApiLayer} and {@link PluginLayer}).
 *
 * <p>Concurrency: {@code lifecycleLock} serializes load, unload, reload and overrides, because each
 * reads and changes the dependency graph as a whole (a reload unloads and reloads dependents; a
 * cascade walks them) and a half-applied change must never be observable by another lifecycle
 * operation. The registries are concurrent maps, so {@link #list}, {@link #find} and
 * {@link #execute} never take that lock; a plugin is put in {@code loaded} only after
 * {@code initialize} succeeded and removed before its cleanup runs. Calls into one plugin go
 * through its {@link io.pluginhost.runtime.internal.CallGate}, which unload closes.
 */
public final class ModuleLayerPluginManager implements PluginManager {

    private static final System.Logger LOG = System.getLogger(ModuleLayerPluginManager.class.getName());

    private final ApiLayer api = ApiLayer.create();
    private final PluginJarCache reader = new PluginJarCache(new PluginJarReader());
    private final EventHub hub;
    private final HostServices services;
    private final EngineLimits limits;
    private final ReentrantLock lifecycleLock = new ReentrantLock();
    private final Map<String, LoadedPlugin> loaded = new ConcurrentHashMap<>();
    private final Map<String, PluginInfo> failed = new ConcurrentHashMap<>();
    private final Map<String, ResourceOverrides> overrides = new ConcurrentHashMap<>();
    private final PhysicalNameClaims claims = new PhysicalNameClaims();
    private final List<PluginLifecycleListener> listeners = new CopyOnWriteArrayList<>();
    /** Loaders of unloaded plugins, watched until collected; cleared ones are drained from the queue. */
    private final Set<ReleasedLoader> released = ConcurrentHashMap.newKeySet();
    private final ReferenceQueue<ClassLoader> collected = new ReferenceQueue<>();
    /** The context loader of whoever created the engine (in WildFly, the deployment's): host code runs under it. */
    private final ClassLoader hostLoader = hostLoader();
    private final Subscriber host = Subscriber.direct(null, hostLoader, (event, e) -> report(null, null,
            new PluginExecutionException("host listener for event '" + event.name() + "' failed: " + e, e)));

    /** An engine with no external services and the default limits. */
    public ModuleLayerPluginManager() {
        this(HostServices.NONE, EngineLimits.defaults());
    }

    /**
     * @param services     the repositories the host offers plugins
     * @param drainTimeout how long an unload waits for calls in flight before refusing
     */
    public ModuleLayerPluginManager(HostServices services, Duration drainTimeout) {
        this(services, EngineLimits.defaults().withDrainTimeout(drainTimeout));
    }

    /**
     * @param services the repositories the host offers plugins
     * @param limits   the bounds kept on plugin code
     */
    public ModuleLayerPluginManager(HostServices services, EngineLimits limits) {
        this.services = services;
        this.limits = limits;
        this.hub = new EventHub(limits.maxListenersPerPlugin());
    }

    // ---------------------------------------------------------------- load

    @Override
    public PluginInfo load(Path jar) {
        return locked(() -> loadJar(read(jar), null));
    }

    @Override
    public PluginInfo load(Path jar, ResourceOverrides overrides) {
        return locked(() -> loadJar(read(jar), overrides));
    }

    @Override
    public DirectoryLoadResult loadDirectory(Path directory) {
        return locked(() -> {
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.jar")) {
                stream.forEach(jars::add);
            } catch (IOException e) {
                throw report(null, directory, new InvalidPluginException("cannot read plugin directory " + directory
                        + ": " + e, e));
            }
            jars.sort(Comparator.comparing(Path::toString));
            Map<Path, PluginException> failures = new LinkedHashMap<>();
            Map<String, PluginJar> batch = new LinkedHashMap<>();
            for (Path path : jars) {
                try {
                    PluginJar jar = read(path);
                    PluginJar other = batch.get(jar.name());
                    if (other != null) {
                        throw report(jar.name(), path, new DuplicatePluginException(jar.name(),
                                other.path().toString()));
                    }
                    batch.put(jar.name(), jar);
                } catch (PluginException e) {
                    failures.put(path, e);
                }
            }
            DependencyGraph.BatchOrder order = DependencyGraph.order(
                    batch.values().stream().map(PluginJar::descriptor).toList());
            order.refused().forEach((name, e) -> failures.put(batch.get(name).path(),
                    report(name, batch.get(name).path(), e)));
            List<PluginInfo> loadedNow = new ArrayList<>();
            for (String name : order.order()) {
                try {
                    loadedNow.add(loadJar(batch.get(name), null));
                } catch (PluginException e) {
                    failures.put(batch.get(name).path(), e);
                } catch (RuntimeException unexpected) {
                    // One plugin must never stop the others from loading, whatever went wrong.
                    failures.put(batch.get(name).path(), report(name, batch.get(name).path(), new PluginLoadException(
                            "plugin '" + name + "' could not be loaded: " + unexpected, unexpected)));
                }
            }
            return new DirectoryLoadResult(loadedNow, failures);
        });
    }

    /** Reads and validates a jar; reports a failure with no plugin name. */
    private PluginJar read(Path jar) {
        try {
            return reader.read(jar);
        } catch (PluginException e) {
            throw report(null, jar, e);
        }
    }

    /**
     * Validates and loads one read jar. Caller holds the lock. Every failure is recorded (state
     * FAILED) and reported before it is thrown.
     */
    private PluginInfo loadJar(PluginJar jar, ResourceOverrides newOverrides) {
        String name = jar.name();
        try {
            LoadedPlugin existing = loaded.get(name);
            if (existing != null) {
                throw new DuplicatePluginException(name, existing.source.toString());
            }
            ResourceOverrides effectiveOverrides = newOverrides != null ? newOverrides
                    : overrides.getOrDefault(name, ResourceOverrides.NONE);
            EffectiveResources resources = validate(jar, effectiveOverrides, null);
            claims.claim(name, resources);
            if (newOverrides != null) {
                overrides.put(name, newOverrides);
            }
            LoadedPlugin plugin;
            try {
                plugin = start(jar, resources);
            } catch (RuntimeException | Error e) {
                claims.release(name, resources);
                throw e;
            }
            loaded.put(name, plugin);
            failed.remove(name);
            PluginInfo info = info(plugin);
            listeners.forEach(l -> notify(() -> l.pluginLoaded(info)));
            LOG.log(System.Logger.Level.INFO, "loaded plugin {0} from {1}", jar.descriptor(), jar.path());
            return info;
        } catch (PluginException e) {
            throw report(name, jar.path(), e);
        }
    }

    /**
     * The one validation of a read jar before any of its code runs, for load and reload alike: names
     * and resources, the dependency graph, and the modules it requires.
     *
     * @param replacing the plugin a reload replaces (left out of the graph), or {@code null}
     * @return the resources in effect
     */
    private EffectiveResources validate(PluginJar jar, ResourceOverrides overrides, String replacing) {
        EffectiveResources resources = EffectiveResources.of(jar.descriptor(), overrides);
        Map<String, PluginDescriptor> others = loadedDescriptors();
        if (replacing != null) {
            others.remove(replacing); // dependents still point at it, so a new dependency on one shows as a cycle
        }
        DependencyGraph.checkLoadable(jar.descriptor(), others);
        checkRequiredModules(jar);
        return resources;
    }

    /**
     * A plugin module may require the API, platform modules and the modules of its declared
     * dependencies; not the module of a plugin it does not declare (which a transitive parent layer
     * would otherwise let it resolve).
     */
    private void checkRequiredModules(PluginJar jar) {
        Map<String, String> pluginByModule = new LinkedHashMap<>();
        loaded.values().forEach(p -> pluginByModule.put(p.layer().module().getName(), p.descriptor.name()));
        for (ModuleDescriptor.Requires requires : jar.module().requires()) {
            String module = requires.name();
            if (module.equals(ApiLayer.API_MODULE) || ModuleLayer.boot().findModule(module).isPresent()) {
                continue;
            }
            String owner = pluginByModule.get(module);
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

    /** Defines the layer, builds the context, opens repositories and initializes; rolls back fully on failure. */
    private LoadedPlugin start(PluginJar jar, EffectiveResources resources) {
        List<ModuleLayer> dependencyLayers = new ArrayList<>();
        Map<String, Plugin> dependencies = new LinkedHashMap<>();
        for (String dependency : jar.descriptor().dependencies()) {
            PluginLayer layer = loaded.get(dependency).layer();
            dependencyLayers.add(layer.layer());
            dependencies.put(dependency, layer.instance());
        }
        PluginLayer layer = PluginLayer.define(jar, api, dependencyLayers);
        LoadedPlugin plugin = new LoadedPlugin(jar.descriptor(), jar.path(), resources, layer, this::report,
                limits.maxCallDepth());
        boolean initializeCalled = false;
        try {
            DatabaseRepository database = open(services.database(), DatabaseRepository.class, plugin);
            KafkaRepository kafka = open(services.kafka(), KafkaRepository.class, plugin);
            S3Repository s3 = open(services.s3(), S3Repository.class, plugin);
            plugin.context.activate(jar.descriptor(), new PluginEventBus(hub, plugin, plugin.context), dependencies,
                    database, kafka, s3);
            initializeCalled = true;
            plugin.callWithDeadline("initialize", limits.initializeTimeout(),
                    () -> layer.instance().initialize(plugin.context));
            return plugin;
        } catch (Throwable t) {
            if (t instanceof PluginTimeoutException timeout) {
                tearDown(plugin, true).ifPresent(timeout::addSuppressed);
                throw new PluginLoadException("plugin '" + jar.name() + "' was rolled back: " + timeout.getMessage(),
                        timeout);
            }
            DetachedException cause = DetachedException.of(t);
            tearDown(plugin, initializeCalled).ifPresent(cause::addSuppressed);
            rethrowIfFatal(t);
            if (t instanceof PluginLoadException e) {
                throw e;
            }
            throw new PluginLoadException("plugin '" + jar.name() + "' failed in initialize, and was rolled back: "
                    + cause.getMessage(), cause);
        }
    }

    private <R> R open(Optional<RepositoryProvider<R>> provider, Class<R> type, LoadedPlugin plugin) {
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
        return GuardedRepository.guard(type, repository, plugin.context);
    }

    // ---------------------------------------------------------------- unload

    @Override
    public void unload(String name) {
        unload(name, false);
    }

    @Override
    public List<String> unload(String name, boolean cascade) {
        return locked(() -> {
            LoadedPlugin plugin = loaded.get(name);
            if (plugin == null) {
                if (failed.remove(name) != null) {
                    return List.of();
                }
                throw new PluginNotFoundException(name);
            }
            List<String> dependents = DependencyGraph.dependentsOf(name, loadedDescriptors());
            if (!dependents.isEmpty() && !cascade) {
                throw new DependentsLoadedException(name, dependents);
            }
            List<String> order = new ArrayList<>(dependents);
            Collections.reverse(order);
            order.add(name);
            drainAllOrNone(name, order);
            List<PluginUnloadException> cleanupFailures = new ArrayList<>();
            for (String each : order) {
                stop(loaded.get(each)).ifPresent(cleanupFailures::add);
            }
            throwFirst(cleanupFailures);
            return order;
        });
    }

    /**
     * Closes the call gates of every plugin an unload will stop, waiting for their calls in flight,
     * before stopping any: a cascade either unloads all of them or none.
     *
     * @throws PluginUnloadException naming the plugin that did not drain; every gate is open again
     */
    private void drainAllOrNone(String name, List<String> order) {
        List<LoadedPlugin> closed = new ArrayList<>();
        for (String each : order) {
            LoadedPlugin plugin = loaded.get(each);
            boolean drained;
            try {
                drained = plugin.gate.close(limits.drainTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drained = false;
            }
            if (!drained) {
                closed.forEach(p -> p.gate.reopen());
                String busy = "plugin '" + each + "' still has " + plugin.gate.callsInFlight() + " call(s) in progress"
                        + " after " + limits.drainTimeout();
                throw report(name, loaded.get(name).source, new PluginUnloadException(order.size() == 1
                        ? busy + "; it stays loaded"
                        : "cannot unload plugin '" + name + "' and its dependents " + order.subList(0, order.size() - 1)
                        + ": " + busy + "; nothing was unloaded", null));
            }
            closed.add(plugin);
        }
    }

    @Override
    public List<String> unloadAll() {
        return locked(() -> {
            List<String> order = new ArrayList<>(DependencyGraph.loadOrder(loadedDescriptors()));
            Collections.reverse(order);
            List<String> unloaded = new ArrayList<>();
            for (String name : order) {
                if (!DependencyGraph.dependentsOf(name, loadedDescriptors()).isEmpty()) {
                    continue; // a dependent could not be unloaded; its dependencies must stay
                }
                try {
                    stop(loaded.get(name));
                    unloaded.add(name);
                } catch (PluginUnloadException e) {
                    // reported by stop(); the plugin stays loaded
                }
            }
            failed.clear();
            return unloaded;
        });
    }

    @Override
    public void close() {
        unloadAll();
    }

    /**
     * Unloads one plugin. Caller holds the lock and has made sure no loaded plugin depends on it.
     *
     * @return a cleanup failure (the plugin is unloaded anyway), if any
     * @throws PluginUnloadException if calls in flight did not finish in time (it stays loaded)
     */
    private Optional<PluginUnloadException> stop(LoadedPlugin plugin) {
        String name = plugin.name();
        boolean drained;
        try {
            drained = plugin.gate.close(limits.drainTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw report(name, plugin.source, new PluginUnloadException("unloading plugin '" + name
                    + "' was interrupted while waiting for its calls in flight; it stays loaded", null));
        }
        if (!drained) {
            throw report(name, plugin.source, new PluginUnloadException("plugin '" + name + "' still has "
                    + plugin.gate.callsInFlight() + " call(s) in progress after " + limits.drainTimeout()
                    + "; it stays loaded", null));
        }
        loaded.remove(name);
        Optional<Throwable> problem = tearDown(plugin, true);
        claims.release(name, plugin.resources);
        PluginDescriptor descriptor = plugin.descriptor;
        listeners.forEach(l -> notify(() -> l.pluginUnloaded(descriptor)));
        LOG.log(System.Logger.Level.INFO, "unloaded plugin {0}", descriptor);
        return problem.map(p -> report(name, plugin.source, new PluginUnloadException("plugin '" + name
                + "' was unloaded, but its cleanup failed: " + p.getMessage(), p)));
    }

    /**
     * Removes the plugin's listeners, runs cleanup, closes its repositories, invalidates its context
     * and drops its layer. Used by unload and by a failed load alike, so both leave the same nothing.
     *
     * @return what went wrong, detached, if anything
     */
    private Optional<Throwable> tearDown(LoadedPlugin plugin, boolean runCleanup) {
        Throwable problem = null;
        hub.removeAll(plugin); // before cleanup: no listener runs in a half-cleaned plugin
        if (runCleanup) {
            Plugin instance = plugin.layer().instance();
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
        drainCollected();
        ClassLoader loader = plugin.layer().classLoader();
        plugin.release();
        List<String> suspects = new ArrayList<>(plugin.stuckThreads);
        suspects.addAll(ThreadHygiene.afterUnload(loader, hostLoader));
        suspects.forEach(reason -> LOG.log(System.Logger.Level.WARNING, "unloaded plugin {0}: {1}",
                plugin.descriptor, reason));
        released.add(new ReleasedLoader(plugin.descriptor.toString(), loader, collected, suspects));
        return Optional.ofNullable(problem);
    }

    // ---------------------------------------------------------------- reload and overrides

    @Override
    public List<PluginInfo> reload(String name) {
        return locked(() -> reloadLocked(name, null));
    }

    @Override
    public List<PluginInfo> reload(String name, ResourceOverrides newOverrides) {
        return locked(() -> reloadLocked(name, newOverrides));
    }

    private List<PluginInfo> reloadLocked(String name, ResourceOverrides newOverrides) {
        LoadedPlugin plugin = loaded.get(name);
        if (plugin == null) {
            PluginInfo failedBefore = failed.get(name);
            if (failedBefore == null) {
                throw new PluginNotFoundException(name);
            }
            return List.of(loadJar(read(failedBefore.source()), newOverrides));
        }
        // Validate the new jar before anything is unloaded, so a bad jar changes nothing.
        PluginJar fresh = read(plugin.source);
        if (!fresh.name().equals(name)) {
            throw report(name, plugin.source, new InvalidPluginException(plugin.source + " now declares plugin '"
                    + fresh.name() + "' instead of '" + name + "'; load it as a new plugin"));
        }
        try {
            validate(fresh, newOverrides != null ? newOverrides : overrides.getOrDefault(name, ResourceOverrides.NONE),
                    name);
        } catch (PluginException e) {
            throw report(name, plugin.source, e);
        }
        List<String> dependents = DependencyGraph.dependentsOf(name, loadedDescriptors());
        Map<String, Path> sources = new LinkedHashMap<>();
        sources.put(name, plugin.source);
        dependents.forEach(d -> sources.put(d, loaded.get(d).source));

        List<String> unloadOrder = new ArrayList<>(dependents);
        Collections.reverse(unloadOrder);
        unloadOrder.add(name);
        List<PluginException> failures = new ArrayList<>();
        for (String each : unloadOrder) {
            try {
                stop(loaded.get(each)); // a cleanup failure is reported, and the reload goes on
            } catch (PluginUnloadException stillLoaded) {
                failures.add(stillLoaded);
                break; // its dependencies must stay; load back what was unloaded
            }
        }
        List<PluginInfo> reloaded = new ArrayList<>();
        for (Map.Entry<String, Path> entry : sources.entrySet()) {
            String each = entry.getKey();
            if (loaded.containsKey(each)) {
                continue; // never got unloaded
            }
            PluginJar jar = null;
            try {
                jar = each.equals(name) ? fresh : read(entry.getValue());
                reloaded.add(loadJar(jar, each.equals(name) ? newOverrides : null));
            } catch (PluginException e) {
                failures.add(e);
                // It was loaded before this reload: keep it visible as FAILED so it can be retried.
                PluginDescriptor known = jar != null ? jar.descriptor() : null;
                if (known != null) {
                    failed.put(each, new PluginInfo(known, PluginState.FAILED, entry.getValue(), List.of(), Map.of(),
                            Map.of(), Map.of(), Instant.now(), Optional.of(e.getMessage())));
                }
            }
        }
        if (!failures.isEmpty()) {
            PluginLoadException summary = new PluginLoadException("reload of plugin '" + name + "' was incomplete: "
                    + failures.stream().map(Throwable::getMessage).toList(), null);
            failures.forEach(summary::addSuppressed);
            throw summary;
        }
        return reloaded;
    }

    @Override
    public List<PluginInfo> setOverrides(String name, ResourceOverrides newOverrides) {
        ResourceKind.validatePluginName(name);
        newOverrides.validateNames();
        return locked(() -> {
            LoadedPlugin plugin = loaded.get(name);
            if (plugin == null) {
                overrides.put(name, newOverrides);
                return List.of();
            }
            try {
                EffectiveResources.of(plugin.descriptor, newOverrides);
            } catch (PluginException e) {
                throw report(name, plugin.source, e);
            }
            return reloadLocked(name, newOverrides);
        });
    }

    @Override
    public Optional<ResourceOverrides> getOverrides(String name) {
        return Optional.ofNullable(overrides.get(name));
    }

    @Override
    public List<PluginInfo> clearOverrides(String name) {
        return locked(() -> {
            boolean had = overrides.remove(name) != null;
            return had && loaded.containsKey(name) ? reloadLocked(name, null) : List.of();
        });
    }

    // ---------------------------------------------------------------- queries and calls

    @Override
    public Optional<PluginInfo> find(String name) {
        LoadedPlugin plugin = loaded.get(name);
        return plugin != null ? Optional.of(info(plugin)) : Optional.ofNullable(failed.get(name));
    }

    @Override
    public PluginInfo get(String name) {
        return find(name).orElseThrow(() -> new PluginNotFoundException(name));
    }

    @Override
    public List<PluginInfo> list() {
        List<PluginInfo> all = new ArrayList<>();
        loaded.values().stream()
                .sorted(Comparator.comparing((LoadedPlugin p) -> p.loadedAt).thenComparing(LoadedPlugin::name))
                .forEach(p -> all.add(info(p)));
        failed.values().stream().sorted(Comparator.comparing(PluginInfo::name)).forEach(all::add);
        return all;
    }

    @Override
    public Object execute(String name, Object input) {
        LoadedPlugin plugin = loaded.get(name);
        if (plugin == null) {
            throw new PluginNotFoundException(name);
        }
        return plugin.execute(input);
    }

    private PluginInfo info(LoadedPlugin plugin) {
        List<String> dependents = loaded.values().stream()
                .filter(p -> p.descriptor.dependencies().contains(plugin.name()))
                .map(LoadedPlugin::name).sorted().toList();
        return new PluginInfo(plugin.descriptor, PluginState.LOADED, plugin.source, dependents,
                plugin.resources.tables().physicalNames(), plugin.resources.topics().physicalNames(),
                plugin.resources.buckets().physicalNames(), plugin.loadedAt, Optional.empty());
    }

    private Map<String, PluginDescriptor> loadedDescriptors() {
        Map<String, PluginDescriptor> descriptors = new LinkedHashMap<>();
        loaded.values().stream()
                .sorted(Comparator.comparing((LoadedPlugin p) -> p.loadedAt).thenComparing(LoadedPlugin::name))
                .forEach(p -> descriptors.put(p.name(), p.descriptor));
        return descriptors;
    }

    // ---------------------------------------------------------------- events and listeners

    @Override
    public void addLifecycleListener(PluginLifecycleListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeLifecycleListener(PluginLifecycleListener listener) {
        listeners.remove(listener);
    }

    @Override
    public AutoCloseable subscribe(String pattern, EventListener listener) {
        hub.subscribe(host, pattern, listener, false);
        return () -> hub.unsubscribe(host, pattern, listener);
    }

    @Override
    public int publish(String event, Object data) {
        return hub.emit(null, event, data);
    }

    @Override
    public List<String> unloadedButNotCollected() {
        drainCollected();
        return released.stream().filter(r -> r.get() != null).map(r -> r.plugin).sorted().toList();
    }

    @Override
    public Map<String, List<String>> leakSuspects() {
        drainCollected();
        Map<String, List<String>> suspects = new java.util.TreeMap<>();
        released.stream().filter(r -> r.get() != null).forEach(r -> suspects.put(r.plugin, r.suspects));
        return suspects;
    }

    private void drainCollected() {
        for (Reference<?> r = collected.poll(); r != null; r = collected.poll()) {
            released.remove(r);
        }
    }

    /** @return the engine's event hub, for diagnostics and tests in this package */
    EventHub hub() {
        return hub;
    }

    /** Logs an error and tells the lifecycle listeners; returns it so callers can throw it. */
    private <E extends PluginException> E report(String pluginName, Path source, E error) {
        LOG.log(System.Logger.Level.WARNING, error.getMessage(), error);
        listeners.forEach(l -> notify(() -> l.pluginFailed(pluginName, source, error)));
        return error;
    }

    /** Runs a lifecycle listener with the host's context loader: it may be reached from a plugin's thread. */
    private void notify(Runnable call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(hostLoader);
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a plugin lifecycle listener threw", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static ClassLoader hostLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ModuleLayerPluginManager.class.getClassLoader();
    }

    // ---------------------------------------------------------------- helpers

    private <T> T locked(Supplier<T> operation) {
        try {
            lifecycleLock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while waiting for another plugin operation to finish");
        }
        try {
            return operation.get();
        } finally {
            lifecycleLock.unlock();
        }
    }

    private static void throwFirst(List<? extends PluginException> failures) {
        if (!failures.isEmpty()) {
            PluginException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError error) {
            throw error;
        }
    }

    /** The loader of an unloaded plugin, watched until it is collected, with what was seen holding it. */
    private static final class ReleasedLoader extends WeakReference<ClassLoader> {
        final String plugin;
        final List<String> suspects;

        ReleasedLoader(String plugin, ClassLoader loader, ReferenceQueue<ClassLoader> queue, List<String> suspects) {
            super(loader, queue);
            this.plugin = plugin;
            this.suspects = List.copyOf(suspects);
        }
    }

}
