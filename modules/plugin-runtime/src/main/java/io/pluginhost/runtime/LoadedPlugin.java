package io.pluginhost.runtime;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.PluginEvent;
import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.api.exception.PluginNotFoundException;
import io.pluginhost.runtime.event.Subscriber;
import io.pluginhost.runtime.internal.CallGate;
import io.pluginhost.runtime.internal.DetachedException;
import io.pluginhost.runtime.internal.PluginCode;
import io.pluginhost.runtime.internal.ScopedPluginContext;
import io.pluginhost.runtime.layer.PluginLayer;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceScope;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The engine's record of one loaded plugin: everything it holds for it, and the one way calls go
 * into plugin code (through the {@link CallGate}, with the plugin's loader as context loader,
 * exceptions detached). {@link #release()} drops every reference to the plugin's layer, loader
 * and instance; after it the plugin can be collected even if this record is still referenced.
 */
final class LoadedPlugin implements Subscriber, ResourceScope {

    /** Where errors of plugin code that no caller waits for (listeners, handlers) go. */
    interface ErrorSink {
        void report(String pluginName, Path source, PluginException error);
    }

    final PluginDescriptor descriptor;
    final Path source;
    final EffectiveResources resources;
    final Instant loadedAt = Instant.now();
    final CallGate gate = new CallGate();
    final ScopedPluginContext context;
    /** Repositories and anything else to close on unload, in opening order. */
    final List<AutoCloseable> closeables = new ArrayList<>();
    private final ErrorSink errors;
    private volatile PluginLayer layer;

    LoadedPlugin(PluginDescriptor descriptor, Path source, EffectiveResources resources, PluginLayer layer,
                 ErrorSink errors) {
        this.descriptor = descriptor;
        this.source = source;
        this.resources = resources;
        this.layer = layer;
        this.errors = errors;
        this.context = new ScopedPluginContext(descriptor.name());
    }

    PluginLayer layer() {
        PluginLayer current = layer;
        if (current == null) {
            throw new IllegalStateException("plugin '" + descriptor.name() + "' has been released");
        }
        return current;
    }

    /** Drops the layer, loader and instance. */
    void release() {
        layer = null;
    }

    /** Calls plugin code for the engine itself (initialize, cleanup), not through the gate. */
    <T> T callDirect(Callable<T> code) throws Exception {
        return PluginCode.callWithContextLoader(layer().classLoader(), code);
    }

    Object execute(Object input) {
        if (!gate.tryEnter()) {
            throw new PluginNotFoundException(descriptor.name(), "plugin '" + descriptor.name()
                    + "' has been unloaded");
        }
        try {
            PluginLayer current = layer();
            return PluginCode.callWithContextLoader(current.classLoader(), () -> current.instance().execute(input));
        } catch (Exception | LinkageError | AssertionError e) {
            DetachedException detached = DetachedException.of(e);
            throw new PluginExecutionException("plugin '" + descriptor.name() + "' failed in execute: "
                    + detached.getMessage(), detached);
        } finally {
            gate.exit();
        }
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
    public void deliver(EventListener listener, PluginEvent event) {
        // The hot path of every event: no allocation beyond what the listener does.
        if (!gate.tryEnter()) {
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(layer().classLoader());
            listener.onEvent(event);
        } catch (Exception | LinkageError | AssertionError e) {
            reportFailure("listener for event '" + event.name() + "'", e);
        } finally {
            thread.setContextClassLoader(previous);
            gate.exit();
        }
    }

    @Override
    public String pluginName() {
        return descriptor.name();
    }

    @Override
    public EffectiveResources resources() {
        return resources;
    }

    @Override
    public <T> T callPlugin(String what, Callable<T> code) {
        if (!gate.tryEnter()) {
            throw new PluginContextInvalidatedException(descriptor.name());
        }
        try {
            return PluginCode.callWithContextLoader(layer().classLoader(), code);
        } catch (Exception | LinkageError | AssertionError e) {
            reportFailure(what, e);
            return null;
        } finally {
            gate.exit();
        }
    }

    private void reportFailure(String what, Throwable e) {
        DetachedException detached = DetachedException.of(e);
        errors.report(descriptor.name(), null, new PluginExecutionException("plugin '" + descriptor.name()
                + "': " + what + " failed: " + detached.getMessage(), detached));
    }

    @Override
    public String toString() {
        return "LoadedPlugin[" + descriptor + " from " + source + "]";
    }
}
