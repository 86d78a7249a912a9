package io.pluginhost.runtime;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.PluginHealth;
import io.pluginhost.api.exception.DependencyVersionException;
import io.pluginhost.api.exception.DependentsLoadedException;
import io.pluginhost.api.exception.DuplicatePluginException;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.api.exception.PluginNotFoundException;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.runtime.descriptor.PluginJar;
import io.pluginhost.runtime.descriptor.PluginJarCache;
import io.pluginhost.runtime.descriptor.PluginJarReader;
import io.pluginhost.runtime.descriptor.PluginLibraries;
import io.pluginhost.runtime.event.CallDepth;
import io.pluginhost.runtime.event.EventHub;
import io.pluginhost.runtime.event.Subscriber;
import io.pluginhost.runtime.graph.DependencyGraph;
import io.pluginhost.runtime.internal.DetachedException;
import io.pluginhost.runtime.internal.LifecycleThreads;
import io.pluginhost.runtime.internal.MetricsRelay;
import io.pluginhost.runtime.internal.TaskTimer;
import io.pluginhost.runtime.internal.ThreadHygiene;
import io.pluginhost.runtime.layer.ApiLayer;
import io.pluginhost.runtime.layer.MBeanRegistrations;
import io.pluginhost.runtime.layer.PluginLayer;
import io.pluginhost.runtime.lifecycle.LeakWatch;
import io.pluginhost.runtime.lifecycle.LoadPlan;
import io.pluginhost.runtime.lifecycle.LoadValidator;
import io.pluginhost.runtime.lifecycle.LoadedPlugin;
import io.pluginhost.runtime.lifecycle.PluginAssembler;
import io.pluginhost.runtime.lifecycle.PluginRegistry;
import io.pluginhost.runtime.resource.ResourceKind;
import io.pluginhost.runtime.resource.ResourceOverrides;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The engine: each plugin in its own {@link ModuleLayer} whose parents are the API layer and the
 * layers of its declared dependencies. This class only orchestrates; the path of a jar reads
 * straight through its collaborators: read ({@link PluginJarCache}), validate ({@link LoadValidator}),
 * assemble ({@link PluginAssembler}), register ({@link PluginRegistry}); unloaded loaders are watched
 * by the {@link LeakWatch}.
 *
 * <p>Concurrency: {@code lifecycleLock} serializes load, unload, reload and overrides, because each
 * reads and changes the dependency graph as a whole (a reload unloads and reloads dependents; a
 * cascade walks them) and a half-applied change must never be observable by another lifecycle
 * operation. Nothing a plugin does can hold the lock for long: {@code initialize} and
 * {@code cleanup} have deadlines ({@link EngineLimits}). Queries and calls ({@link #list},
 * {@link #find}, {@link #execute}) never take the lock; they read the registry's concurrent maps.
 * Calls into one plugin go through its {@link io.pluginhost.runtime.internal.CallGate}, which unload
 * closes.
 */
public final class ModuleLayerPluginManager implements PluginManager {

    private static final System.Logger LOG = System.getLogger(ModuleLayerPluginManager.class.getName());

    /** Private libraries of plugin jars, unpacked; deleted at {@link #close()}. */
    private final PluginLibraries libraries;
    private final PluginJarReader describer;
    private final PluginJarCache reader;
    private final EngineLimits limits;
    private final EventHub hub;
    private final PluginRegistry registry = new PluginRegistry();
    private final LoadValidator validator = new LoadValidator(registry);
    private final PluginAssembler assembler;
    private final LeakWatch leaks;
    private final LifecycleThreads lifecycleThreads;
    /** The clock of the plugins' scheduled tasks. */
    private final TaskTimer tasks;
    /** What the unloads of plugins that can reach {@code java.management} look at; its listeners go at close. */
    private final MBeanRegistrations mbeans = new MBeanRegistrations();
    private final ReentrantLock lifecycleLock = new ReentrantLock();
    /** Plugins the current lifecycle operation loaded, whose optional dependents may bind them (under the lock). */
    private final List<String> loadedInThisOperation = new ArrayList<>();
    /**
     * What each plugin the current lifecycle operation stopped was, so one that cannot even be read
     * again is still listed, as FAILED (under the lock).
     */
    private final Map<String, PluginDescriptor> stoppedInThisOperation = new HashMap<>();
    private final MetricsRelay metrics = new MetricsRelay();
    private final List<PluginLifecycleListener> listeners = new CopyOnWriteArrayList<>();
    /** The context loader of whoever created the engine (in WildFly, the deployment's): host code runs under it. */
    private final ClassLoader hostLoader = hostLoader();
    /** The log of errors of plugin code no caller waits for: a plugin failing in a loop writes a line per 10 s. */
    private final ErrorLogThrottle callbackLog = new ErrorLogThrottle(Duration.ofSeconds(10), System::nanoTime,
            line -> LOG.log(System.Logger.Level.WARNING, line));
    private final Subscriber host = Subscriber.direct(null, hostLoader, (event, e) -> reportCallback(null, "listener",
            new PluginExecutionException("host listener for event '" + event.name() + "' failed: " + e,
                    DetachedException.of(e)))); // its stack may hold the emitting plugin's frames

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
     * An engine that unpacks private libraries of plugins under the JVM's temporary directory.
     *
     * @param services the repositories the host offers plugins
     * @param limits   the bounds kept on plugin code
     */
    public ModuleLayerPluginManager(HostServices services, EngineLimits limits) {
        this(services, limits, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param services      the repositories the host offers plugins
     * @param limits        the bounds kept on plugin code
     * @param workDirectory where the engine unpacks the private libraries of plugins (in WildFly, the
     *                      server's temporary directory); made when the first is unpacked, and what it
     *                      made there is deleted at {@link #close()}, or by the next engine that
     *                      unpacks there if this one's JVM dies first
     */
    public ModuleLayerPluginManager(HostServices services, EngineLimits limits, Path workDirectory) {
        PluginLayer.rememberJdkDefaults();
        this.libraries = PluginLibraries.in(workDirectory, false);
        this.describer = new PluginJarReader(libraries);
        this.reader = new PluginJarCache(describer);
        this.limits = limits;
        this.hub = new EventHub(limits.maxListenersPerPlugin());
        this.leaks = new LeakWatch(hostLoader);
        this.lifecycleThreads = limits.lifecycleDeadlines() ? new LifecycleThreads(hostLoader)
                : LifecycleThreads.onCallersThread();
        this.tasks = new TaskTimer(hostLoader, services.leases(), services.work(),
                problem -> callbackLog.report(null, "lease", problem));
        this.assembler = new PluginAssembler(ApiLayer.create(), hub, services, limits, registry, leaks,
                this::reportCallback, lifecycleThreads, metrics, libraries, tasks, mbeans);
    }

    // ---------------------------------------------------------------- load

    @Override
    public PluginInfo load(Path jar) {
        return locked(() -> loadJar(read(jar), null), this::asItStands);
    }

    @Override
    public PluginInfo load(Path jar, ResourceOverrides overrides) {
        return locked(() -> {
            PluginJar read = read(jar);
            return keepingOverridesOnFailure(read.name(), () -> loadJar(read, overrides));
        }, this::asItStands);
    }

    /**
     * Runs a load with new overrides for a plugin that is not loaded: they stay stored only if it loads,
     * as {@link #setOverrides} keeps them. Caller holds the lock.
     */
    private <T> T keepingOverridesOnFailure(String name, Supplier<T> load) {
        Optional<ResourceOverrides> before = registry.storedOverrides(name);
        try {
            return load.get();
        } catch (RuntimeException e) {
            restoreOverrides(name, before);
            throw e;
        }
    }

    /** Stores the overrides a plugin had before a change again, or none if it had none. */
    private void restoreOverrides(String name, Optional<ResourceOverrides> before) {
        before.ifPresentOrElse(o -> registry.storeOverrides(name, o), () -> registry.clearOverrides(name));
    }

    @Override
    public DirectoryLoadResult loadDirectory(Path directory) {
        return loadDirectory(directory, Set.of());
    }

    @Override
    public DirectoryLoadResult loadDirectory(Path directory, Set<String> skip) {
        return locked(() -> {
            lifecycleThreads.startWorker(); // it starts while the jars are read
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.jar")) {
                stream.forEach(jars::add);
            } catch (IOException e) {
                throw report(null, directory, new InvalidPluginException("cannot read plugin directory " + directory
                        + ": " + e, e));
            }
            return loadTogether(jars, skip);
        }, this::asTheyStand);
    }

    @Override
    public DirectoryLoadResult loadAll(Collection<Path> jars) {
        List<Path> distinct = new ArrayList<>(new LinkedHashSet<>(jars));
        for (Path jar : distinct) {
            Objects.requireNonNull(jar, "a jar to load is null");
        }
        return locked(() -> {
            lifecycleThreads.startWorker(); // it starts while the jars are read
            return loadTogether(distinct, Set.of());
        }, this::asTheyStand);
    }

    /**
     * Reads the jars, then loads them in dependency order, in batches. Caller holds the lock.
     */
    private DirectoryLoadResult loadTogether(List<Path> jars, Set<String> skip) {
        jars.sort(Comparator.comparing(Path::toString));
        Map<Path, PluginException> failures = new LinkedHashMap<>();
        Map<String, PluginJar> batch = new LinkedHashMap<>();
        for (Path path : jars) {
            try {
                PluginJar jar = read(path);
                if (skip.contains(jar.name())) {
                    continue;
                }
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
        List<PluginInfo> loadedNow = loadInBatches(order.order().stream().map(batch::get).toList(),
                jar -> null, (jar, e) -> failures.put(jar.path(), e));
        return new DirectoryLoadResult(loadedNow, failures);
    }

    /**
     * Loads read jars in the order given (dependencies first), in batches: a plugin is prepared
     * beside the ones before it unless it needs one of them, which the batch then registers first
     * (one hand-off to the lifecycle worker per batch, not per plugin). Caller holds the lock.
     *
     * @param overrides new overrides for a plugin, or {@code null} for its stored ones
     * @param failed    told of each plugin that did not load, reported already
     * @return the plugins loaded, in order
     */
    private List<PluginInfo> loadInBatches(List<PluginJar> jars, Function<PluginJar, ResourceOverrides> overrides,
                                           BiConsumer<PluginJar, PluginException> failed) {
        List<PluginInfo> loadedNow = new ArrayList<>();
        List<Prepared> together = new ArrayList<>();
        Set<String> togetherNames = new HashSet<>();
        Set<String> togetherModules = new HashSet<>();
        try {
            for (PluginJar jar : jars) {
                if (LoadValidator.needsAnyOf(jar, togetherNames, togetherModules)) {
                    initializeTogether(together, loadedNow, failed); // registers what it needs first
                    togetherNames.clear();
                    togetherModules.clear();
                }
                try {
                    together.add(prepare(jar, overrides.apply(jar)));
                    togetherNames.add(jar.name());
                    togetherModules.add(jar.module().name());
                } catch (PluginException e) {
                    failed.accept(jar, e);
                } catch (RuntimeException unexpected) {
                    failed.accept(jar, unexpected(jar, unexpected));
                }
            }
            initializeTogether(together, loadedNow, failed);
        } finally {
            for (Prepared prepared : together) { // an Error stopped the load: none may stay half loaded
                discard(prepared, false);
            }
        }
        return loadedNow;
    }

    /** One plugin must never stop the others from loading, whatever went wrong. */
    private PluginException unexpected(PluginJar jar, RuntimeException unexpected) {
        return report(jar.name(), jar.path(), new PluginLoadException("plugin '" + jar.name()
                + "' could not be loaded: " + unexpected, unexpected));
    }

    /**
     * Runs the {@code initialize} of prepared plugins as one batch on the lifecycle worker (one
     * hand-off, not one per plugin), then registers them in order. A plugin whose {@code initialize}
     * fails is rolled back before any plugin after it is initialized, as when each loads alone.
     * Every plugin of the batch ends registered or rolled back, whatever is thrown. Caller holds the lock.
     */
    private void initializeTogether(List<Prepared> together, List<PluginInfo> loadedNow,
                                    BiConsumer<PluginJar, PluginException> failed) {
        int size = together.size();
        if (size == 0) {
            return;
        }
        LifecycleThreads.Call[] ofPlugin = new LifecycleThreads.Call[size]; // null: it has no initialize
        int settled = 0; // the plugins before it are registered or rolled back
        try {
            LifecycleThreads.Call[] calls = new LifecycleThreads.Call[size];
            int[] owner = new int[size]; // the plugin each call is of
            int count = 0;
            for (int i = 0; i < size; i++) {
                Prepared prepared = together.get(i);
                ofPlugin[i] = assembler.initializeCall(prepared.jar(), prepared.plugin());
                if (ofPlugin[i] != null) {
                    calls[count] = ofPlugin[i];
                    owner[count++] = i;
                }
            }
            calls = Arrays.copyOf(calls, count);
            int next = 0;
            while (next < count) {
                next = lifecycleThreads.callAll(calls, next);
                int last = owner[next - 1];
                if (ofPlugin[last].outcome() != LifecycleThreads.Outcome.RETURNED) {
                    // As if each loaded alone: the plugins before it are registered, then it is rolled
                    // back, all before the next plugin's initialize.
                    while (settled <= last) {
                        finishInto(together.get(settled), ofPlugin[settled++], loadedNow, failed);
                    }
                }
            }
            while (settled < size) {
                finishInto(together.get(settled), ofPlugin[settled++], loadedNow, failed);
            }
        } finally {
            for (int i = settled; i < size; i++) { // an Error stopped the batch: none may stay half loaded
                discard(together.get(i), ofPlugin[i] != null
                        && ofPlugin[i].outcome() == LifecycleThreads.Outcome.RETURNED);
            }
            together.clear();
        }
    }

    /** Takes apart a prepared plugin that will not be registered. Caller holds the lock. */
    private void discard(Prepared prepared, boolean initialized) {
        assembler.tearDown(prepared.plugin(), initialized);
        callbackLog.forget(prepared.jar().name());
        registry.unreserve(prepared.jar().name(), prepared.plan().resources());
    }

    /** {@link #finish}es a plugin of a batch, recording what became of it. */
    private void finishInto(Prepared prepared, LifecycleThreads.Call initialize, List<PluginInfo> loadedNow,
                            BiConsumer<PluginJar, PluginException> failed) {
        try {
            loadedNow.add(finish(prepared, initialize));
        } catch (PluginException e) {
            failed.accept(prepared.jar(), e);
        } catch (RuntimeException unexpected) {
            failed.accept(prepared.jar(), unexpected(prepared.jar(), unexpected));
        }
    }

    /** Reads and validates a jar; reports a failure with no plugin name. */
    private PluginJar read(Path jar) {
        try {
            return reader.read(jar);
        } catch (PluginException e) {
            throw report(null, jar, e);
        }
    }

    /** Validates, assembles and registers one read jar. Caller holds the lock. Every failure is reported. */
    private PluginInfo loadJar(PluginJar jar, ResourceOverrides newOverrides) {
        Prepared prepared = prepare(jar, newOverrides);
        LifecycleThreads.Call initialize = assembler.initializeCall(jar, prepared.plugin());
        if (initialize != null) {
            lifecycleThreads.callAll(new LifecycleThreads.Call[] {initialize}, 0);
        }
        return finish(prepared, initialize);
    }

    /**
     * A plugin validated, its resources reserved, its layer and context made; not yet initialized.
     *
     * @param nanos how long that took
     */
    private record Prepared(PluginJar jar, LoadPlan plan, LoadedPlugin plugin, long nanos) {
    }

    /** The first half of {@link #loadJar}. Caller holds the lock. Every failure is reported. */
    private Prepared prepare(PluginJar jar, ResourceOverrides newOverrides) {
        String name = jar.name();
        try {
            Optional<LoadedPlugin> existing = registry.loaded(name);
            if (existing.isPresent()) {
                throw new DuplicatePluginException(name, existing.get().source().toString());
            }
            long started = System.nanoTime();
            LoadPlan plan = validator.validate(jar, newOverrides != null ? newOverrides : registry.overrides(name));
            registry.reserve(name, plan.resources());
            if (newOverrides != null) {
                registry.storeOverrides(name, newOverrides);
            }
            try {
                LoadedPlugin plugin = assembler.prepare(jar, plan);
                return new Prepared(jar, plan, plugin, System.nanoTime() - started);
            } catch (RuntimeException | Error e) {
                registry.unreserve(name, plan.resources());
                throw e;
            }
        } catch (PluginException e) {
            throw report(name, jar.path(), e);
        }
    }

    /**
     * The second half of {@link #loadJar}: rolls the plugin back if its {@code initialize} failed,
     * else registers it. Caller holds the lock. Every failure is reported.
     *
     * @param initialize its {@code initialize}, run, or {@code null} if it has none
     */
    private PluginInfo finish(Prepared prepared, LifecycleThreads.Call initialize) {
        String name = prepared.jar().name();
        try {
            LoadedPlugin plugin;
            try {
                plugin = assembler.initialized(prepared.plugin(), initialize);
            } catch (RuntimeException | Error e) {
                registry.unreserve(name, prepared.plan().resources());
                throw e;
            }
            registry.add(plugin);
            loadedInThisOperation.add(name);
            // Its own time: from a directory, its initialize ran in a batch with others'.
            metrics.loaded(name, prepared.nanos() + (initialize != null ? initialize.nanos() : 0));
            PluginInfo info = registry.info(plugin);
            for (PluginLifecycleListener listener : listeners) {
                notify(() -> listener.pluginLoaded(info));
            }
            LOG.log(System.Logger.Level.INFO, "loaded plugin {0} from {1}", prepared.jar().descriptor(),
                    prepared.jar().path());
            return info;
        } catch (PluginException e) {
            throw report(name, prepared.jar().path(), e);
        }
    }

    // ---------------------------------------------------------------- unload

    @Override
    public void unload(String name) {
        unload(name, false);
    }

    @Override
    public List<String> unload(String name, boolean cascade) {
        return unload(name, cascade, false);
    }

    @Override
    public List<String> unload(String name, boolean cascade, boolean force) {
        return locked(() -> {
            Optional<LoadedPlugin> plugin = registry.loaded(name);
            if (plugin.isEmpty()) {
                if (registry.forgetFailed(name)) {
                    return List.of(name); // no longer listed: as unloaded as it can be
                }
                throw new PluginNotFoundException(name);
            }
            List<String> dependents = registry.dependentsOf(name);
            Set<String> doomed = mustGoWith(name);
            List<String> cascaded = dependents.stream().filter(doomed::contains).toList();
            if (!cascaded.isEmpty() && !cascade) {
                throw new DependentsLoadedException(name, cascaded);
            }
            // Plugins bound to one that goes only through an optional dependency stay: they are stopped
            // and loaded again without it, as a reload would.
            Map<String, Path> rebound = new LinkedHashMap<>();
            dependents.stream().filter(d -> !doomed.contains(d)).forEach(d -> rebound.put(d, registry.require(d).source()));
            List<String> order = new ArrayList<>(dependents);
            Collections.reverse(order);
            order.add(name);
            drainAllOrNone(name, order, force);
            List<PluginUnloadException> failures = new ArrayList<>();
            for (String each : order) {
                stop(registry.require(each), force).ifPresent(failures::add);
            }
            // A plugin that does not come back without its optional dependency is reported and listed as
            // FAILED; the unload itself succeeded, so only cleanup failures are thrown.
            loadAgain(rebound, new ArrayList<>());
            throwFirst(failures);
            List<String> unloaded = new ArrayList<>(order);
            unloaded.removeAll(rebound.keySet());
            return unloaded;
        });
    }

    /**
     * @return {@code name} and every loaded plugin that cannot stay without it: those with a required
     *         dependency on one that goes, transitively
     */
    private Set<String> mustGoWith(String name) {
        Set<String> doomed = new HashSet<>(List.of(name));
        Deque<String> todo = new ArrayDeque<>(doomed);
        while (!todo.isEmpty()) {
            String going = todo.pop();
            for (String dependent : registry.directDependents(going)) {
                boolean required = registry.require(dependent).descriptor().requirement(going)
                        .map(r -> !r.optional()).orElse(true);
                if (required && doomed.add(dependent)) {
                    todo.push(dependent);
                }
            }
        }
        return doomed;
    }

    /**
     * Loads again, in order, plugins this operation stopped; one that fails is listed as FAILED (so it
     * can be retried) and its error added to {@code failures}.
     */
    private List<PluginInfo> loadAgain(Map<String, Path> sources, List<PluginException> failures) {
        return loadAgain(sources, null, null, failures);
    }

    private List<PluginInfo> loadAgain(Map<String, Path> sources, PluginJar replacement,
                                       ResourceOverrides replacementOverrides, List<PluginException> failures) {
        List<PluginJar> jars = new ArrayList<>();
        Map<PluginJar, Path> loadedFrom = new IdentityHashMap<>(); // where each was loaded from before
        for (Map.Entry<String, Path> entry : sources.entrySet()) {
            String each = entry.getKey();
            if (registry.loaded(each).isPresent()) {
                continue; // never got unloaded
            }
            try {
                boolean replaced = replacement != null && each.equals(replacement.name());
                PluginJar jar = replaced ? replacement : read(entry.getValue());
                jars.add(jar);
                loadedFrom.put(jar, entry.getValue());
            } catch (PluginException e) {
                failures.add(e);
                PluginDescriptor before = stoppedInThisOperation.get(each);
                if (before != null) { // unreadable now: still listed, as FAILED, with why
                    registry.markFailed(before, entry.getValue(), e.getMessage());
                }
            }
        }
        return loadInBatches(jars, jar -> jar == replacement ? replacementOverrides : null,
                (jar, e) -> {
                    failures.add(e);
                    // It was loaded before this operation: keep it visible as FAILED so it can be retried.
                    registry.markFailed(jar.descriptor(), loadedFrom.get(jar), e.getMessage());
                });
    }

    /**
     * Closes the call gates of every plugin an unload will stop, waiting for their calls in flight,
     * before stopping any: a cascade either unloads all of them or none.
     *
     * @throws PluginUnloadException naming the plugin that did not drain; every gate is open again
     */
    private void drainAllOrNone(String name, List<String> order) {
        drainAllOrNone(name, order, false);
    }

    /**
     * As {@link #drainAllOrNone(String, List)}; with {@code force}, a plugin whose calls did not drain
     * stays closed to new calls and is let go with them running: what holds its loader is noted for the
     * leak diagnostics, and nothing is refused.
     */
    private void drainAllOrNone(String name, List<String> order, boolean force) {
        List<LoadedPlugin> closed = new ArrayList<>();
        for (String each : order) {
            LoadedPlugin plugin = registry.require(each);
            boolean drained;
            try {
                drained = plugin.gate().close(limits.drainTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drained = false;
            }
            if (!drained && force) {
                plugin.gate().closeNow();
                plugin.unloadedWithCallsInFlight(limits.drainTimeout());
            } else if (!drained) {
                closed.forEach(p -> p.gate().reopen());
                String busy = "plugin '" + each + "' still has " + plugin.gate().callsInFlight() + " call(s) in"
                        + " progress after " + limits.drainTimeout().toMillis() + " ms";
                throw report(name, registry.require(name).source(), new PluginUnloadException(order.size() == 1
                        ? busy + "; it stays loaded"
                        : "cannot unload plugin '" + name + "' and its dependents " + order.subList(0, order.size() - 1)
                        + ": " + busy + "; nothing was unloaded", null));
            }
            closed.add(plugin);
        }
    }

    @Override
    public List<String> unloadAll() {
        return unloadAll(false);
    }

    /** @param force whether plugins with calls still in progress are unloaded anyway (the engine closes) */
    private List<String> unloadAll(boolean force) {
        return locked(() -> {
            List<String> order = new ArrayList<>(registry.namesInLoadOrder());
            Collections.reverse(order);
            List<String> unloaded = new ArrayList<>();
            for (String name : order) {
                if (!registry.directDependents(name).isEmpty()) {
                    continue; // a dependent could not be unloaded; its dependencies must stay
                }
                try {
                    stop(registry.require(name), force);
                    unloaded.add(name);
                } catch (PluginUnloadException e) {
                    // reported by stop(); the plugin stays loaded
                }
            }
            registry.forgetAllFailed();
            return unloaded;
        });
    }

    @Override
    public synchronized boolean suspend() {
        boolean was = tasks.suspend();
        if (was) {
            LOG.log(System.Logger.Level.INFO, "suspended: the plugins' scheduled tasks and Kafka consumers wait for"
                    + " the resume");
        }
        return was;
    }

    @Override
    public synchronized boolean resume() {
        boolean was = tasks.isSuspended();
        int held = tasks.resume();
        if (was) {
            LOG.log(System.Logger.Level.INFO, "resumed: {0} scheduled task(s) that came due while suspended run now",
                    held);
        }
        return was;
    }

    @Override
    public boolean isSuspended() {
        return tasks.isSuspended();
    }

    @Override
    public void close() {
        try {
            unloadAll(true); // the host goes: a call that never returns must not keep a plugin loaded
        } finally {
            lifecycleThreads.close();
            tasks.close();
            libraries.close();
            mbeans.close();
        }
    }

    /**
     * Unloads one plugin. Caller holds the lock and has made sure no loaded plugin depends on it.
     *
     * @return a cleanup failure (the plugin is unloaded anyway), if any
     * @throws PluginUnloadException if calls in flight did not finish in time (it stays loaded)
     */
    private Optional<PluginUnloadException> stop(LoadedPlugin plugin) {
        return stop(plugin, false);
    }

    /**
     * As {@link #stop(LoadedPlugin)}; with {@code force}, calls in flight past the drain timeout are left
     * running. A plugin whose gate an operation closed already (draining all it stops first) is not waited
     * for again.
     */
    private Optional<PluginUnloadException> stop(LoadedPlugin plugin, boolean force) {
        String name = plugin.name();
        long started = System.nanoTime();
        if (!plugin.gate().isClosed()) {
            drainAllOrNone(name, List.of(name), force);
        }
        registry.remove(plugin);
        stoppedInThisOperation.put(name, plugin.descriptor());
        Optional<Throwable> problem = assembler.tearDown(plugin, true);
        callbackLog.forget(name);
        metrics.unloaded(name, System.nanoTime() - started);
        PluginDescriptor descriptor = plugin.descriptor();
        for (PluginLifecycleListener listener : listeners) {
            notify(() -> listener.pluginUnloaded(descriptor));
        }
        LOG.log(System.Logger.Level.INFO, "unloaded plugin {0}", descriptor);
        return problem.map(p -> report(name, plugin.source(), new PluginUnloadException("plugin '" + name
                + "' was unloaded, but its cleanup failed: " + p.getMessage(), p)));
    }

    // ---------------------------------------------------------------- reload and overrides

    @Override
    public List<PluginInfo> reload(String name) {
        return locked(() -> reloadLocked(name, null), this::asTheyStand);
    }

    @Override
    public List<PluginInfo> reload(String name, ResourceOverrides newOverrides) {
        if (newOverrides == null) {
            return reload(name);
        }
        newOverrides.validateNames();
        return locked(() -> registry.loaded(name).isPresent()
                ? changeStored(name, "new overrides of plugin '" + name + "' were",
                        () -> registry.storeOverrides(name, newOverrides))
                : keepingOverridesOnFailure(name, () -> reloadLocked(name, newOverrides)), this::asTheyStand);
    }

    private List<PluginInfo> reloadLocked(String name, ResourceOverrides newOverrides) {
        Optional<LoadedPlugin> current = registry.loaded(name);
        if (current.isEmpty()) {
            PluginInfo failedBefore = registry.failed(name).orElseThrow(() -> new PluginNotFoundException(name));
            return List.of(loadJar(read(failedBefore.source()), newOverrides));
        }
        LoadedPlugin plugin = current.get();
        // Validate the new jar before anything is unloaded, so a bad jar changes nothing.
        PluginJar fresh = read(plugin.source());
        if (!fresh.name().equals(name)) {
            throw report(name, plugin.source(), new InvalidPluginException(plugin.source() + " now declares plugin '"
                    + fresh.name() + "' instead of '" + name + "'; load it as a new plugin"));
        }
        try {
            validator.validate(fresh, newOverrides != null ? newOverrides : registry.overrides(name));
            checkDependentsAccept(fresh);
        } catch (PluginException e) {
            throw report(name, plugin.source(), e);
        }
        List<String> dependents = registry.dependentsOf(name);
        Map<String, Path> sources = new LinkedHashMap<>();
        sources.put(name, plugin.source());
        dependents.forEach(d -> sources.put(d, registry.require(d).source()));

        List<String> unloadOrder = new ArrayList<>(dependents);
        Collections.reverse(unloadOrder);
        unloadOrder.add(name);
        List<PluginException> failures = new ArrayList<>();
        for (String each : unloadOrder) {
            try {
                stop(registry.require(each)); // a cleanup failure is reported, and the reload goes on
            } catch (PluginUnloadException stillLoaded) {
                failures.add(stillLoaded);
                break; // its dependencies must stay; load back what was unloaded
            }
        }
        List<PluginInfo> reloaded = loadAgain(sources, fresh, newOverrides, failures);
        if (!failures.isEmpty()) {
            PluginLoadException summary = new PluginLoadException("reload of plugin '" + name + "' was incomplete: "
                    + failures.stream().map(Throwable::getMessage).toList(), null);
            failures.forEach(summary::addSuppressed);
            throw summary;
        }
        return reloaded;
    }

    @Override
    public <T> T betweenOperations(Supplier<T> action) {
        return locked(action);
    }

    @Override
    public PluginDescriptor inspect(Path jar) {
        return describer.describe(jar); // beside any operation: the admin API lists jars while a plugin starts
    }

    @Override
    public UpgradeResult upgrade(String name, Path staged, Path target) {
        return locked(() -> {
            LoadedPlugin plugin = registry.loaded(name).orElseThrow(() -> new PluginNotFoundException(name));
            Path oldJar = plugin.source();
            String fromVersion = plugin.descriptor().version();
            boolean inPlace = target.toAbsolutePath().normalize().equals(oldJar.toAbsolutePath().normalize());
            PluginJar fresh = read(staged);
            try {
                if (!fresh.name().equals(name)) {
                    throw new InvalidPluginException("the new jar is plugin '" + fresh.name() + "', not '" + name
                            + "'; load it as a new plugin");
                }
                if (!inPlace && Files.exists(target)) {
                    throw new InvalidPluginException("cannot upgrade plugin '" + name + "' to " + target.getFileName()
                            + ": another file of that name is in the way");
                }
                validator.validate(fresh, registry.overrides(name));
                checkDependentsAccept(fresh);
            } catch (PluginException e) {
                throw report(name, staged, e);
            }
            List<String> dependents = registry.dependentsOf(name);
            Map<String, Path> oldSources = new LinkedHashMap<>();
            oldSources.put(name, oldJar);
            dependents.forEach(d -> oldSources.put(d, registry.require(d).source()));
            List<String> stopOrder = new ArrayList<>(dependents);
            Collections.reverse(stopOrder);
            stopOrder.add(name);
            drainAllOrNone(name, stopOrder);
            for (String each : stopOrder) {
                stop(registry.require(each)); // a cleanup failure is reported; the upgrade goes on
            }
            Path backup = oldJar.resolveSibling(oldJar.getFileName() + ".previous");
            try {
                if (inPlace) {
                    Files.move(oldJar, backup, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(staged, target);
            } catch (IOException e) {
                restore(inPlace, oldJar, backup);
                List<PluginException> ignored = new ArrayList<>();
                loadAgain(oldSources, ignored);
                throw report(name, target, new PluginLoadException("upgrade of plugin '" + name + "' could not move"
                        + " the new jar into place (" + e + "); version " + fromVersion + " runs again", e));
            }
            Map<String, Path> newSources = new LinkedHashMap<>(oldSources);
            newSources.put(name, target);
            List<PluginException> failures = new ArrayList<>();
            List<PluginInfo> loaded = loadAgain(newSources, failures);
            if (registry.loaded(name).isEmpty()) {
                // The new version did not come up: stop what did, put the old jar back, start it all again.
                for (PluginInfo info : reversed(loaded)) {
                    registry.loaded(info.name()).ifPresent(this::stop);
                }
                registry.forgetFailed(name);
                dependents.forEach(registry::forgetFailed);
                deleteQuietly(target);
                restore(inPlace, oldJar, backup);
                List<PluginException> rollbackFailures = new ArrayList<>();
                loadAgain(oldSources, rollbackFailures);
                PluginLoadException summary = new PluginLoadException("upgrade of plugin '" + name + "' to version "
                        + fresh.descriptor().version() + " failed and was rolled back to " + fromVersion + ": "
                        + failures.get(0).getMessage(), failures.get(0));
                rollbackFailures.forEach(summary::addSuppressed);
                throw report(name, target, summary);
            }
            deleteQuietly(inPlace ? backup : oldJar);
            UpgradeResult result = new UpgradeResult(name, fromVersion, fresh.descriptor().version(), loaded);
            if (!failures.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'' was upgraded, but dependents did not come back:"
                        + " {1}", name, failures.stream().map(Throwable::getMessage).toList());
            }
            return result;
        }, this::asTheyStand);
    }

    private static void restore(boolean inPlace, Path oldJar, Path backup) {
        if (inPlace && Files.exists(backup)) {
            try {
                Files.move(backup, oldJar, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot put " + oldJar + " back from " + backup + ": " + e);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + file + ": " + e);
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    /**
     * A new version of a plugin must suit every plugin that requires it, or the reload changes nothing
     * (a dependent with an optional dependency in another range is loaded again without it).
     */
    private void checkDependentsAccept(PluginJar fresh) {
        String loaded = registry.require(fresh.name()).descriptor().version();
        for (String dependent : registry.directDependents(fresh.name())) {
            PluginDescriptor descriptor = registry.require(dependent).descriptor();
            descriptor.requirement(fresh.name()).filter(r -> !r.optional()).ifPresent(r ->
                    LoadValidator.mismatch(r, fresh.descriptor().version()).ifPresent(why -> {
                        throw DependencyVersionException.newVersionRefused(dependent, fresh.name(), r.versionRange(),
                                loaded, fresh.descriptor().version(), why);
                    }));
        }
    }

    @Override
    public List<PluginInfo> setConfig(String name, Map<String, String> settings) {
        ResourceKind.validatePluginName(name);
        settings.forEach(ModuleLayerPluginManager::checkSetting);
        return locked(() -> changeStored(name, "new settings of plugin '" + name + "' were",
                () -> registry.storeConfig(name, settings)), this::asTheyStand);
    }

    private static void checkSetting(String key, String value) {
        if (key == null || key.isBlank() || key.length() > 200 || !key.codePoints().allMatch(c -> c > ' ' && c != 127)) {
            throw new InvalidNameException("setting name '" + key + "' is invalid: use 1-200 visible characters,"
                    + " no spaces (e.g. 'greeting' or 'retry.max-attempts')");
        }
        if (value == null) {
            throw new InvalidNameException("setting '" + key + "' has no value; remove the key instead");
        }
    }

    @Override
    public Optional<Map<String, String>> getConfig(String name) {
        return registry.storedConfig(name);
    }

    @Override
    public List<PluginInfo> clearConfig(String name) {
        return locked(() -> registry.storedConfig(name).isEmpty() ? List.of()
                : changeStored(name, "clearing the settings of plugin '" + name + "' was",
                        () -> registry.clearConfig(name)), this::asTheyStand);
    }

    @Override
    public List<PluginInfo> setOverrides(String name, ResourceOverrides newOverrides) {
        ResourceKind.validatePluginName(name);
        newOverrides.validateNames();
        return locked(() -> changeStored(name, "new overrides of plugin '" + name + "' were",
                () -> registry.storeOverrides(name, newOverrides)), this::asTheyStand);
    }

    @Override
    public Optional<ResourceOverrides> getOverrides(String name) {
        return registry.storedOverrides(name);
    }

    @Override
    public List<PluginInfo> clearOverrides(String name) {
        return locked(() -> registry.storedOverrides(name).isEmpty() ? List.of()
                : changeStored(name, "clearing the overrides of plugin '" + name + "' was",
                        () -> registry.clearOverrides(name)), this::asTheyStand);
    }

    /**
     * Changes a plugin's stored overrides or settings, all or nothing. A loaded plugin is reloaded with
     * its dependents; if the new values are refused, or the plugin or a dependent does not come back
     * with them, the previous values are stored again and what ran before is loaded again with them,
     * and the failure is thrown. So a change that throws has changed nothing the engine stores (the
     * host persists only a change that did not throw). Caller holds the lock.
     *
     * @param change what the change is, for the message ("new settings of plugin 'x' were")
     * @param store  stores the new values
     * @return the plugins reloaded, none if it is not loaded
     */
    private List<PluginInfo> changeStored(String name, String change, Runnable store) {
        Optional<ResourceOverrides> overridesBefore = registry.storedOverrides(name);
        Optional<Map<String, String>> configBefore = registry.storedConfig(name);
        LoadedPlugin before = registry.loaded(name).orElse(null);
        store.run();
        if (before == null) {
            return List.of();
        }
        Map<String, Path> ran = new LinkedHashMap<>(); // what runs now, dependencies first
        ran.put(name, before.source());
        registry.dependentsOf(name).forEach(d -> ran.put(d, registry.require(d).source()));
        try {
            return reloadLocked(name, null); // validates the new values before anything unloads
        } catch (RuntimeException e) {
            restoreOverrides(name, overridesBefore);
            configBefore.ifPresentOrElse(c -> registry.storeConfig(name, c), () -> registry.clearConfig(name));
            if (registry.loaded(name).orElse(null) != before) {
                throw report(name, before.source(), rollBack(ran, change, e));
            }
            if (e instanceof PluginLoadException incomplete) { // a call in flight did not drain in time
                throw new PluginLoadException(change + " not applied: " + firstCause(incomplete) + "; "
                        + name + " runs as before", incomplete);
            }
            throw e; // the new values were refused before anything stopped
        }
    }

    /** @return the first plugin's failure a reload's summary carries, or its own message */
    private static String firstCause(RuntimeException failure) {
        Throwable[] parts = failure.getSuppressed();
        return parts.length > 0 ? parts[0].getMessage() : failure.getMessage();
    }

    /**
     * Stops what a failed change loaded and loads {@code ran} again with the values stored now.
     *
     * @return the failure to throw, saying whether the rollback succeeded
     */
    private PluginLoadException rollBack(Map<String, Path> ran, String change, RuntimeException failure) {
        List<PluginException> rollbackFailures = new ArrayList<>();
        for (String each : reversed(List.copyOf(ran.keySet()))) {
            Optional<LoadedPlugin> loadedWithNewValues = registry.loaded(each);
            if (loadedWithNewValues.isPresent()) {
                try {
                    stop(loadedWithNewValues.get()); // a cleanup failure is reported, and it is unloaded anyway
                } catch (PluginUnloadException stillLoaded) {
                    rollbackFailures.add(stillLoaded);
                    break; // its dependencies must stay
                }
            }
        }
        loadAgain(ran, rollbackFailures);
        String why = firstCause(failure);
        PluginLoadException thrown = new PluginLoadException(rollbackFailures.isEmpty()
                ? change + " rolled back, and " + String.join(", ", ran.keySet()) + (ran.size() == 1 ? " runs" : " run")
                + " as before: " + why
                : change + " not applied, and rolling back failed too: " + why + "; then "
                + rollbackFailures.stream().map(Throwable::getMessage).toList(), failure);
        rollbackFailures.forEach(thrown::addSuppressed);
        return thrown;
    }

    // ---------------------------------------------------------------- queries and calls

    @Override
    public Optional<PluginInfo> find(String name) {
        return registry.find(name);
    }

    @Override
    public PluginInfo get(String name) {
        return find(name).orElseThrow(() -> new PluginNotFoundException(name));
    }

    @Override
    public List<PluginInfo> list() {
        return registry.list();
    }

    @Override
    public Object execute(String name, Object input) {
        return execute(name, input, Function.identity());
    }

    @Override
    public <R> R execute(String name, Object input, Function<Object, R> reader) {
        return registry.loaded(name).orElseThrow(() -> new PluginNotFoundException(name)).execute(input, reader);
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
    public Map<String, PluginHealth> health(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, LoadedPlugin> plugins = new TreeMap<>();
        Map<String, CompletableFuture<PluginHealth>> asked = new HashMap<>();
        for (LoadedPlugin plugin : registry.allLoaded()) {
            plugin.askHealth(tasks).ifPresent(check -> {
                plugins.put(plugin.name(), plugin);
                asked.put(plugin.name(), check);
            });
        }
        Map<String, PluginHealth> answers = new LinkedHashMap<>();
        plugins.forEach((name, plugin) -> {
            PluginHealth answer = answerWithin(asked.get(name), deadline, timeout);
            if (answer != null) { // null: it was being unloaded
                answers.put(name, noted(plugin, answer));
            }
        });
        return Collections.unmodifiableMap(answers);
    }

    @Override
    public PluginHealth health(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        LoadedPlugin plugin = registry.loaded(name).orElseThrow(() -> new PluginNotFoundException(name));
        Optional<CompletableFuture<PluginHealth>> check = plugin.askHealth(tasks);
        if (check.isEmpty()) {
            return PluginHealth.up(); // no check of its own: the API's default
        }
        PluginHealth answer = answerWithin(check.get(), deadline, timeout);
        if (answer == null) {
            throw new PluginNotFoundException(name); // being unloaded
        }
        return noted(plugin, answer);
    }

    /**
     * Keeps a plugin's answer, reports it to the metrics and, where its status turned (or it is down the first time it is asked), logs it and
     * tells the lifecycle listeners, once whoever asked.
     */
    private PluginHealth noted(LoadedPlugin plugin, PluginHealth said) {
        KnownHealth before = plugin.noteHealth(said);
        metrics.health(plugin.name(), said.isUp());
        if (before == null ? said.isUp() : before.said().status() == said.status()) {
            return said;
        }
        if (said.isUp()) {
            LOG.log(System.Logger.Level.INFO, "plugin ''{0}'' says it can do its work again, after {1} s down",
                    plugin.name(), Duration.between(before.since(), Instant.now()).toSeconds());
        } else {
            LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'' says it cannot do its work: {1}", plugin.name(),
                    said.reason());
        }
        PluginInfo info = registry.info(plugin);
        for (PluginLifecycleListener listener : listeners) {
            notify(() -> listener.pluginHealthChanged(info));
        }
        return said;
    }

    private static PluginHealth answerWithin(CompletableFuture<PluginHealth> check, long deadline, Duration timeout) {
        try {
            return check.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return PluginHealth.down("its health check has not answered within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PluginHealth.down("the host was interrupted while it waited for the health check");
        } catch (ExecutionException e) { // the check completes normally, whatever the plugin did
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void setMetrics(PluginMetrics pluginMetrics) {
        metrics.attach(pluginMetrics);
    }

    @Override
    public List<String> unloadedButNotCollected() {
        return leaks.unloadedButNotCollected();
    }

    @Override
    public int releaseCallingThread() {
        if (CallDepth.current().depth() > 0) {
            return 0; // a plugin's call is still running on this thread: its values are in use
        }
        return ThreadHygiene.removeFromCurrentThread(PluginLayer::isPluginLoader);
    }

    @Override
    public Map<String, List<String>> leakSuspects() {
        return leaks.suspects();
    }

    /** @return the engine's event hub, for diagnostics and tests in this package */
    EventHub hub() {
        return hub;
    }

    /** @return how many times plugin code was handed to a lifecycle worker, for tests in this package */
    long lifecycleHandOffs() {
        return lifecycleThreads.handOffs();
    }

    /**
     * Logs an error in one line (its stack trace and causes only at DEBUG: a refused load is an answer,
     * not a crash) and tells the lifecycle listeners; returns it to throw.
     */
    private <E extends PluginException> E report(String pluginName, Path source, E error) {
        LOG.log(System.Logger.Level.WARNING, error.getMessage());
        tell(pluginName, source, error);
        return error;
    }

    /**
     * Reports an error of plugin code no caller waits for (a listener, a scheduled task, a handler, making an
     * extension): to every lifecycle listener, and to the log as {@link ErrorLogThrottle} allows.
     */
    private void reportCallback(String pluginName, String kind, PluginException error) {
        callbackLog.report(pluginName, kind, error.getMessage());
        tell(pluginName, null, error);
    }

    private void tell(String pluginName, Path source, PluginException error) {
        LOG.log(System.Logger.Level.DEBUG, "details", error);
        for (PluginLifecycleListener listener : listeners) {
            notify(() -> listener.pluginFailed(pluginName, source, error));
        }
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
        return locked(operation, UnaryOperator.identity());
    }

    /**
     * Runs an operation under the lock, then binds waiting dependents, then turns its result into what
     * it is when the operation ends, still under the lock.
     *
     * @param asItEnds the result as it stands after everything the operation did: snapshots of plugins
     *                 taken while it ran miss what came after them (dependents loaded again, or bound)
     */
    private <T> T locked(Supplier<T> operation, UnaryOperator<T> asItEnds) {
        try {
            lifecycleLock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("interrupted while waiting for another plugin operation to finish");
        }
        try {
            T result;
            try {
                result = operation.get();
            } finally {
                try {
                    bindWaitingDependents();
                } finally {
                    stoppedInThisOperation.clear();
                    deleteUnusedLibraries();
                    assembler.afterOperation();
                }
            }
            return asItEnds.apply(result);
        } finally {
            lifecycleLock.unlock();
        }
    }

    /** A plugin's snapshot as the registry has it now, or the one given if it no longer knows it. Under the lock. */
    private PluginInfo asItStands(PluginInfo taken) {
        return registry.find(taken.name()).orElse(taken);
    }

    private List<PluginInfo> asTheyStand(List<PluginInfo> taken) {
        return taken.stream().map(this::asItStands).toList();
    }

    private DirectoryLoadResult asTheyStand(DirectoryLoadResult taken) {
        return new DirectoryLoadResult(asTheyStand(taken.loaded()), taken.failed());
    }

    private UpgradeResult asTheyStand(UpgradeResult taken) {
        return new UpgradeResult(taken.name(), taken.fromVersion(), taken.toVersion(), asTheyStand(taken.reloaded()));
    }

    /**
     * Deletes the unpacked library copies no loaded plugin uses, after an operation that unpacked or
     * released any (never for plugins without libraries), and forgets the cached jars that used them.
     * Caller holds the lock, so no jar is being read.
     */
    private void deleteUnusedLibraries() {
        if (!libraries.takeMayHaveUnused()) {
            return;
        }
        try {
            Set<Path> inUse = registry.libraryFilesInUse();
            reader.forgetJarsWithLibrariesOtherThan(inUse);
            libraries.retainOnly(inUse);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete unused plugin libraries: " + e);
        }
    }

    /**
     * After an operation loaded plugins, reloads each loaded plugin that declares one of them as an
     * optional dependency it did not bind, if it would bind it now: loading an optional dependency
     * later rebinds its dependents. A rebind that fails is reported and leaves that plugin FAILED;
     * the operation that triggered it stands. Caller holds the lock.
     */
    private void bindWaitingDependents() {
        while (!loadedInThisOperation.isEmpty()) {
            String loadedName = loadedInThisOperation.remove(0);
            PluginDescriptor loaded = registry.descriptor(loadedName);
            if (loaded == null) {
                continue;
            }
            for (String waiting : List.copyOf(registry.unboundOptionalDependents(loadedName))) {
                Optional<LoadedPlugin> plugin = registry.loaded(waiting);
                boolean wouldBind = plugin.isPresent() && plugin.get().descriptor().requirement(loadedName)
                        .map(r -> LoadValidator.mismatch(r, loaded.version()).isEmpty()).orElse(false);
                if (!wouldBind || !registry.unboundOptionalDependents(loadedName).contains(waiting)) {
                    continue;
                }
                LOG.log(System.Logger.Level.INFO, "reloading plugin {0} to bind its optional dependency {1}",
                        waiting, loaded);
                try {
                    reloadLocked(waiting, null);
                } catch (PluginException e) {
                    LOG.log(System.Logger.Level.WARNING, "plugin ''{0}'' could not bind its optional dependency"
                            + " ''{1}'': {2}", waiting, loadedName, e.getMessage());
                }
            }
        }
    }

    private static void throwFirst(List<? extends PluginException> failures) {
        if (!failures.isEmpty()) {
            PluginException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
