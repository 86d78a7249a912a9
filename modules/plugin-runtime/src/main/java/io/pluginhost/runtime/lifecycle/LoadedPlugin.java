package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.PluginEvent;
import io.pluginhost.api.PluginHealth;
import io.pluginhost.api.exception.CallDepthExceededException;
import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.api.exception.PluginNotFoundException;
import io.pluginhost.api.exception.PluginTimeoutException;
import io.pluginhost.runtime.BackgroundWork;
import io.pluginhost.runtime.KnownHealth;
import io.pluginhost.runtime.event.CallDepth;
import io.pluginhost.runtime.event.Subscriber;
import io.pluginhost.runtime.internal.CallGate;
import io.pluginhost.runtime.internal.DetachedException;
import io.pluginhost.runtime.internal.LifecycleThreads;
import io.pluginhost.runtime.internal.MetricsRelay;
import io.pluginhost.runtime.internal.PluginCode;
import io.pluginhost.runtime.internal.ScopedPluginContext;
import io.pluginhost.runtime.internal.TaskTimer;
import io.pluginhost.runtime.layer.PluginLayer;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceScope;

import java.lang.module.ModuleDescriptor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The engine's record of one loaded plugin: everything it holds for it, and the one way calls go
 * into plugin code (through the {@link CallGate}, with the plugin's loader as context loader,
 * exceptions detached). {@link #release()} drops every reference to the plugin's layer, loader
 * and instance; after it the plugin can be collected even if this record is still referenced.
 */
public final class LoadedPlugin implements Subscriber, ResourceScope {

    /** The most of a down plugin's reason the host reports. */
    static final int MAX_HEALTH_REASON = 1_000;

    /** Where errors of plugin code that no caller waits for (listeners, tasks, handlers, extensions) go. */
    public interface ErrorSink {
        /** @param kind "listener", "task", "handler" or "extension", as the metrics count them */
        void report(String pluginName, String kind, PluginException error);
    }

    final PluginDescriptor descriptor;
    final Path source;
    final EffectiveResources resources;
    /** The dependencies it bound at load, in declared order (see {@link LoadPlan#bound()}). */
    final List<String> bound;
    final Instant loadedAt = Instant.now();
    final CallGate gate = new CallGate();
    final ScopedPluginContext context;
    /** Repositories and anything else to close on unload, in opening order. */
    final List<AutoCloseable> closeables = new ArrayList<>();
    /** Its scheduler, set when it is assembled. */
    volatile PluginTasks tasks;
    /** Threads left running plugin code past a deadline: they keep the loader, so the leak report names them. */
    final List<String> stuckThreads = new CopyOnWriteArrayList<>();
    private final ErrorSink errors;
    private final int maxCallDepth;
    private final LifecycleThreads threads;
    private final MetricsRelay metrics;
    private volatile PluginLayer layer;
    /** The layer's loader and the plugin's name, kept at hand for the hot path of event delivery. */
    private volatile ClassLoader loader;
    private final String name;
    /** Whether the plugin may implement {@code cleanup}; if not, unload does not call the API's no-op. */
    private final boolean implementsCleanup;
    /** The services its module provides besides {@code Plugin}, sorted; read at load, as queries run unlocked. */
    private final List<String> extensionPoints;
    /** The proxies of the extensions it made, by extension point; guarded by itself, emptied at unload. */
    private final Map<Class<?>, List<Object>> extensions = new HashMap<>();
    /** The handles behind those proxies, to drop at unload; guarded by {@link #extensions}. */
    private final List<ExtensionHandle> extensionHandles = new ArrayList<>();
    /** Whether it may implement {@code health}; if not, the host does not ask it. */
    private final boolean implementsHealth;
    /** Its health check still running, or its last one; null before the first. */
    private final AtomicReference<CompletableFuture<PluginHealth>> healthCheck = new AtomicReference<>();
    /** What its checks last answered, and since when; null before the first answer. Guarded by this. */
    private KnownHealth knownHealth;

    LoadedPlugin(PluginDescriptor descriptor, Path source, LoadPlan plan, PluginLayer layer,
                 ErrorSink errors, int maxCallDepth, LifecycleThreads threads, boolean implementsCleanup,
                 boolean implementsHealth, MetricsRelay metrics) {
        this.metrics = metrics;
        this.descriptor = descriptor;
        this.bound = plan.bound();
        this.implementsCleanup = implementsCleanup;
        this.implementsHealth = implementsHealth;
        this.source = source;
        this.resources = plan.resources();
        this.layer = layer;
        this.loader = layer.classLoader();
        this.name = descriptor.name();
        this.errors = errors;
        this.maxCallDepth = maxCallDepth;
        this.threads = threads;
        this.context = new ScopedPluginContext(descriptor.name());
        this.extensionPoints = extensionPointsOf(layer.module());
    }

    PluginLayer layer() {
        PluginLayer current = layer;
        if (current == null) {
            throw new IllegalStateException("plugin '" + descriptor.name() + "' has been released");
        }
        return current;
    }

    boolean implementsCleanup() {
        return implementsCleanup;
    }

    /** Drops the layer, loader and instance, and cuts the extensions it handed out loose from them. */
    void release() {
        synchronized (extensions) {
            extensionHandles.forEach(ExtensionHandle::drop);
            extensionHandles.clear();
            extensions.clear();
        }
        layer = null;
        loader = null;
    }

    @Override
    public boolean suspended() {
        PluginTasks current = tasks;
        return current != null && current.suspended();
    }

    @Override
    public Optional<BackgroundWork.Counted> beginBackgroundWork() {
        PluginTasks current = tasks;
        return current == null ? Optional.of(BackgroundWork.Counted.NOTHING) : current.beginWork();
    }

    /** @return how many of its scheduled tasks have not ended */
    int scheduledTasks() {
        PluginTasks current = tasks;
        return current == null ? 0 : current.size();
    }

    /** @return the services its module provides besides {@code Plugin}, the extension points it implements, sorted */
    List<String> extensionPoints() {
        return extensionPoints;
    }

    private static List<String> extensionPointsOf(Module module) {
        Set<String> points = new TreeSet<>();
        for (ModuleDescriptor.Provides provides : module.getDescriptor().provides()) {
            if (!provides.service().equals(Plugin.class.getName())) {
                points.add(provides.service());
            }
        }
        return List.copyOf(points);
    }

    /**
     * Its implementations of an extension point, made the first time they are asked for (as
     * {@link ServiceLoader} makes providers: their constructor or {@code provider()} method), as plugin
     * code: its context loader, through its gate.
     *
     * @param type the extension point
     * @return proxies over the implementations ({@link ExtensionHandle}); empty if its module sees another
     *         class of that name, if the plugin is unloading, or if an implementation could not be made
     *         (its constructor threw: reported as an error of the plugin, once, as a listener's is)
     */
    <T> List<T> extensions(Class<T> type) {
        synchronized (extensions) {
            List<Object> made = extensions.get(type);
            if (made != null) {
                return castAll(type, made);
            }
        }
        CallDepth depth = enter();
        if (depth == null) {
            return List.of();
        }
        try {
            PluginLayer current = layer();
            List<T> implementations = makeExtensions(current, type);
            synchronized (extensions) {
                List<Object> made = extensions.get(type);
                if (made == null) {
                    made = new ArrayList<>(implementations.size());
                    for (T implementation : implementations) {
                        ExtensionHandle.Handled<T> handled = ExtensionHandle.of(type, this, implementation);
                        extensionHandles.add(handled.handle());
                        made.add(handled.proxy());
                    }
                    made = List.copyOf(made);
                    extensions.put(type, made);
                }
                return castAll(type, made);
            }
        } finally {
            exit(depth);
        }
    }

    /** @return its implementations of {@code type}, made as plugin code; none if they could not be made */
    private <T> List<T> makeExtensions(PluginLayer current, Class<T> type) {
        try {
            return PluginCode.callWithContextLoader(current.classLoader(), () -> {
                if (Class.forName(type.getName(), false, current.classLoader()) != type) {
                    return List.of(); // a namesake: this plugin does not implement the caller's extension point
                }
                List<T> found = new ArrayList<>();
                for (ServiceLoader.Provider<T> provider : ServiceLoader.load(current.layer(), type).stream().toList()) {
                    if (provider.type().getModule() == current.module()) {
                        found.add(provider.get());
                    }
                }
                return found;
            });
        } catch (ClassNotFoundException notSeen) {
            return List.of();
        } catch (ServiceConfigurationError e) {
            // "could not be instantiated": what the constructor threw is the cause
            reportFailure("extension", "making its extension " + type.getName(), e.getCause() != null ? e.getCause() : e);
            return List.of();
        } catch (Throwable e) {
            reportFailure("extension", "making its extension " + type.getName(), e);
            return List.of();
        }
    }

    private static <T> List<T> castAll(Class<T> type, List<Object> proxies) {
        List<T> typed = new ArrayList<>(proxies.size());
        for (Object proxy : proxies) {
            typed.add(type.cast(proxy));
        }
        return typed;
    }

    /**
     * Calls an extension's method as plugin code: a level deeper on this thread, through the gate (so
     * an unload waits for it), with the plugin's context loader. What the method throws reaches the
     * caller detached, as a {@link PluginExecutionException}: the caller is usually a plugin this one
     * depends on, which outlives it, and the original (an instance of this plugin's classes, or with
     * its frames in the JVM's backtrace) would keep this plugin's loader after it unloads.
     */
    Object callExtension(Object implementation, Method method, Object[] args) {
        CallDepth depth = enter();
        if (depth == null) {
            throw new PluginContextInvalidatedException(name);
        }
        try {
            return PluginCode.callWithContextLoader(loader, () -> method.invoke(implementation, args));
        } catch (Throwable e) {
            Throwable thrown = e instanceof InvocationTargetException invocation ? invocation.getCause() : e;
            DetachedException detached = DetachedException.of(thrown);
            throw new PluginExecutionException("plugin '" + name + "' failed in its extension "
                    + method.getDeclaringClass().getName() + "." + method.getName() + ": " + detached.getMessage(),
                    detached);
        } finally {
            exit(depth);
        }
    }

    /**
     * Runs a task the plugin scheduled, as a call into it (gate, call depth, its loader as context loader); what
     * it throws is reported as the plugin's error, detached, since no caller waits for it.
     *
     * @return whether it ran: not if the plugin is unloading
     */
    boolean runTask(Runnable task) {
        CallDepth depth = enter();
        if (depth == null) {
            return false;
        }
        try {
            PluginCode.callWithContextLoader(loader, () -> {
                task.run();
                return null;
            });
        } catch (Throwable e) {
            DetachedException detached = DetachedException.of(e);
            metrics.callbackFailed(name, "task");
            errors.report(name, "task", new PluginExecutionException("plugin '" + name + "' failed in a scheduled"
                    + " task: " + detached.getMessage(), detached));
        } finally {
            exit(depth);
        }
        return true;
    }

    /** Plugin code the engine calls with a deadline. */
    interface LifecycleCall {
        void run() throws Exception;
    }

    /**
     * Runs {@code initialize} or {@code cleanup} on a lifecycle thread ({@link LifecycleThreads}),
     * with the plugin's loader as context loader, and stops waiting at the deadline: a plugin that
     * never returns cannot hold the lifecycle lock.
     *
     * @throws PluginTimeoutException at the deadline (the thread is interrupted and named)
     * @throws Throwable              whatever the plugin code threw
     */
    void callWithDeadline(String phase, Duration deadline, LifecycleCall code) throws Throwable {
        LifecycleThreads.Call call = lifecycleCall(phase, deadline, code, false);
        threads.callAll(new LifecycleThreads.Call[] {call}, 0);
        Throwable failure = failureOf(call, phase, deadline);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * @param inert whether the code provably runs no other plugin code and cannot block, so the
     *              caller's thread runs it ({@link LifecycleThreads.Call#Call(String, ClassLoader,
     *              java.util.concurrent.Callable, Duration, boolean)})
     * @return {@code initialize} or {@code cleanup} as a call for a lifecycle thread, not yet run
     */
    LifecycleThreads.Call lifecycleCall(String phase, Duration deadline, LifecycleCall code, boolean inert) {
        return new LifecycleThreads.Call(threadName(phase), layer().classLoader(), () -> {
            code.run();
            return null;
        }, deadline, inert);
    }

    /**
     * @param call a call of {@link #lifecycleCall} that ran
     * @return {@code null} if it returned; else what it threw, or a {@link PluginTimeoutException}
     *         naming the thread it left behind, which the leak report will name too
     */
    Throwable failureOf(LifecycleThreads.Call call, String phase, Duration deadline) {
        return switch (call.outcome()) {
            case RETURNED -> null;
            case THREW -> call.takeFailure();
            case TIMED_OUT -> {
                stuckThreads.add("thread '" + threadName(phase) + "' is still running the plugin's " + phase
                        + " past its deadline");
                yield new PluginTimeoutException(descriptor.name(), phase, threadName(phase), deadline);
            }
            case PENDING -> throw new IllegalStateException(phase + " of plugin '" + descriptor.name()
                    + "' never ran");
        };
    }

    private String threadName(String phase) {
        return "plugin-" + phase + "-" + descriptor.name();
    }

    /** @return the plugin's declaration */
    public PluginDescriptor descriptor() {
        return descriptor;
    }

    /** @return the jar it was loaded from */
    public Path source() {
        return source;
    }

    /** @return its resources in effect */
    @Override
    public EffectiveResources resources() {
        return resources;
    }

    /** @return when it was loaded */
    public Instant loadedAt() {
        return loadedAt;
    }

    /** @return its call gate, which unload closes */
    public CallGate gate() {
        return gate;
    }

    /**
     * Notes that it is unloaded by force with calls in flight: their threads keep its loader until
     * they return, so the leak report names them.
     *
     * @param waited how long the unload waited for them
     */
    public void unloadedWithCallsInFlight(Duration waited) {
        stuckThreads.add(gate.callsInFlight() + " call(s) into it were still in progress when it was unloaded by"
                + " force after " + waited.toMillis() + " ms; the threads running them keep its loader until they return");
    }

    /**
     * Calls the plugin's {@code execute} through its gate, and the reader on its result inside the same call.
     *
     * @param input  the input
     * @param reader turns the result into the caller's form (it may run the plugin's code)
     * @param <R>    the caller's form
     * @return what the reader returned
     */
    public <R> R execute(Object input, Function<Object, R> reader) {
        CallDepth depth = enter();
        if (depth == null) {
            throw new PluginNotFoundException(descriptor.name(), "plugin '" + descriptor.name()
                    + "' has been unloaded");
        }
        long started = System.nanoTime();
        try {
            PluginLayer current = layer();
            R result = PluginCode.callWithContextLoader(current.classLoader(),
                    () -> reader.apply(current.instance().execute(input)));
            metrics.executed(name, System.nanoTime() - started, false);
            return result;
        } catch (Throwable e) {
            metrics.executed(name, System.nanoTime() - started, true);
            // Errors too (a StackOverflowError of the plugin's own recursion): detached, never raw.
            DetachedException detached = DetachedException.of(e);
            throw new PluginExecutionException("plugin '" + descriptor.name() + "' failed in execute: "
                    + detached.getMessage(), detached);
        } finally {
            exit(depth);
        }
    }

    /**
     * Asks the plugin whether it can do its work: a check on a thread of its own, unless one is still running,
     * which is then the answer to wait for.
     *
     * @param timer starts the check's thread
     * @return the check, completed with what the plugin said (down with why where it threw or said nothing),
     *         or with {@code null} if it was being unloaded; empty if the plugin does not implement
     *         {@code health} or is unloaded
     */
    public Optional<CompletableFuture<PluginHealth>> askHealth(TaskTimer timer) {
        if (!implementsHealth || layer == null) {
            return Optional.empty();
        }
        CompletableFuture<PluginHealth> last = healthCheck.get();
        if (last != null && !last.isDone()) {
            return Optional.of(last);
        }
        CompletableFuture<PluginHealth> check = new CompletableFuture<>();
        if (!healthCheck.compareAndSet(last, check)) { // another caller started one meanwhile
            return Optional.ofNullable(healthCheck.get());
        }
        try {
            timer.startThread("plugin-health-" + name, () -> check.complete(checkHealth()));
        } catch (RuntimeException | OutOfMemoryError e) { // no thread to be had
            check.complete(PluginHealth.down("its health check could not start: " + e));
        }
        return Optional.of(check);
    }

    /**
     * Keeps what its check answered: since when stays while the status does.
     *
     * @return what was known before, or {@code null} if it had not answered before
     */
    public synchronized KnownHealth noteHealth(PluginHealth said) {
        KnownHealth before = knownHealth;
        knownHealth = new KnownHealth(said, before != null && before.said().status() == said.status()
                ? before.since() : Instant.now());
        return before;
    }

    /** @return what its check last answered, and since when; {@code null} if it has not answered */
    public synchronized KnownHealth knownHealth() {
        return knownHealth;
    }

    private PluginHealth checkHealth() {
        CallDepth depth = enter();
        if (depth == null) { // being unloaded: it has nothing to say, and an unload takes no node out
            return null;
        }
        try {
            PluginLayer current = layer();
            PluginHealth said = PluginCode.callWithContextLoader(current.classLoader(), current.instance()::health);
            if (said == null) {
                return PluginHealth.down("its health check answered null");
            }
            return said.isUp() || said.reason().length() <= MAX_HEALTH_REASON ? said
                    : PluginHealth.down(said.reason().substring(0, MAX_HEALTH_REASON) + "...");
        } catch (Throwable e) {
            return PluginHealth.down("its health check failed: " + DetachedException.of(e).getMessage());
        } finally {
            exit(depth);
        }
    }

    /**
     * Enters a call into the plugin: one level deeper on this thread, then through the gate.
     *
     * @return the thread's call depth, to {@link #exit} in a {@code finally}; {@code null} if the gate
     *         is closed (the plugin is unloading)
     * @throws CallDepthExceededException if the call would nest too deep
     */
    private CallDepth enter() {
        return enter(CallDepth.current());
    }

    private CallDepth enter(CallDepth threadDepth) {
        CallDepth depth = threadDepth.push(name, maxCallDepth);
        if (!gate.tryEnter()) {
            depth.exit();
            return null;
        }
        return depth;
    }

    private void exit(CallDepth depth) {
        gate.exit(); // first: the counter must stay exact whatever happens after
        depth.exit();
    }

    @Override
    public String name() {
        return descriptor.name();
    }

    @Override
    public boolean acceptsSubscriptions() {
        return !gate.isClosed() && context.isValid();
    }

    @Override
    public void deliver(EventListener listener, PluginEvent event, CallDepth threadDepth) {
        // The hot path of every event: no allocation beyond what the listener does, and as few
        // objects to fetch as can be (at 1,000 plugins each is a cache miss).
        CallDepth depth;
        try {
            depth = enter(threadDepth);
        } catch (CallDepthExceededException tooDeep) {
            metrics.callbackFailed(name, "listener");
            errors.report(descriptor.name(), "listener", tooDeep);
            return;
        }
        if (depth == null) {
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        Throwable failure = null;
        try {
            thread.setContextClassLoader(loader);
            metrics.received(name);
            listener.onEvent(event);
        } catch (Throwable e) {
            failure = e;
        } finally {
            exit(depth);
            thread.setContextClassLoader(previous);
        }
        if (failure != null) {
            reportFailure("listener", "listener for event '" + event.name() + "'", failure);
        }
    }

    @Override
    public String pluginName() {
        return descriptor.name();
    }

    @Override
    public <T> T callPlugin(String what, Callable<T> code) {
        CallDepth depth = enter();
        if (depth == null) {
            throw new PluginContextInvalidatedException(descriptor.name());
        }
        try {
            return PluginCode.callWithContextLoader(layer().classLoader(), code);
        } catch (Throwable e) {
            reportFailure("handler", what, e);
            return null;
        } finally {
            exit(depth);
        }
    }

    private void reportFailure(String kind, String what, Throwable e) {
        metrics.callbackFailed(name, kind);
        DetachedException detached = DetachedException.of(e);
        errors.report(descriptor.name(), kind, new PluginExecutionException("plugin '" + descriptor.name()
                + "': " + what + " failed: " + detached.getMessage(), detached));
    }

    @Override
    public String toString() {
        return "LoadedPlugin[" + descriptor + " from " + source + "]";
    }
}
