package io.pluginhost.runtime.internal;

import io.pluginhost.api.EventBus;
import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginConfig;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.PluginScheduler;
import io.pluginhost.api.exception.DependencyNotFoundException;
import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.api.exception.UndeclaredDependencyException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.api.resource.S3Repository;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link PluginContext} the engine builds for a loaded plugin (the one place contexts are
 * built is {@code ModuleLayerPluginManager}). Everything it hands out lives in one immutable
 * {@link State}; {@link #invalidate()} drops it in a single volatile write, after which every call
 * throws {@link PluginContextInvalidatedException} and the context references nothing of the
 * plugin or its dependencies.
 */
public final class ScopedPluginContext implements PluginContext {

    private final String pluginName;
    private volatile State state;

    /**
     * Creates a context that is not valid until {@link #activate} (the event bus and repository
     * guards it hands out need the context first).
     *
     * @param pluginName the plugin's name
     */
    public ScopedPluginContext(String pluginName) {
        this.pluginName = pluginName;
    }

    /**
     * Makes the context usable.
     *
     * @param descriptor   the plugin's descriptor
     * @param eventBus     the plugin's view of the bus
     * @param dependencies bound dependencies by name, in declared order
     * @param config       the plugin's settings
     * @param database     the guarded database repository, or {@code null}
     * @param kafka        the guarded Kafka repository, or {@code null}
     * @param s3           the guarded S3 repository, or {@code null}
     * @param extensions   where the loaded plugins' extensions are found
     * @param scheduler    the plugin's scheduler
     */
    public void activate(PluginDescriptor descriptor, EventBus eventBus, Map<String, Plugin> dependencies,
                         PluginConfig config, DatabaseRepository database, KafkaRepository kafka, S3Repository s3,
                         ExtensionLookup extensions, PluginScheduler scheduler) {
        Map<String, Plugin> bound = dependencies.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(dependencies));
        this.state = new State(descriptor, eventBus, bound, config,
                Optional.ofNullable(database), Optional.ofNullable(kafka), Optional.ofNullable(s3), extensions,
                scheduler);
    }

    /** @throws PluginContextInvalidatedException if the plugin has been unloaded */
    public void ensureValid() {
        state();
    }

    /** @return whether the plugin is still loaded */
    public boolean isValid() {
        return state != null;
    }

    /** Invalidates the context for good. */
    public void invalidate() {
        state = null;
    }

    private State state() {
        State s = state;
        if (s == null) {
            throw new PluginContextInvalidatedException(pluginName);
        }
        return s;
    }

    @Override
    public PluginDescriptor descriptor() {
        return state().descriptor;
    }

    @Override
    public EventBus eventBus() {
        return state().eventBus;
    }

    @Override
    public Plugin getDependency(String name) {
        State s = state();
        Plugin dependency = s.dependencies.get(name);
        if (dependency == null) {
            checkDeclared(s, name);
            throw new DependencyNotFoundException(pluginName, name);
        }
        return dependency;
    }

    @Override
    public boolean hasDependency(String name) {
        State s = state();
        if (s.dependencies.containsKey(name)) {
            return true;
        }
        checkDeclared(s, name);
        return false;
    }

    @Override
    public <T> Optional<T> findDependency(String name, Class<T> type) {
        return hasDependency(name) ? Optional.of(getDependency(name, type)) : Optional.empty();
    }

    private void checkDeclared(State s, String name) {
        if (!s.descriptor.dependencies().contains(name)) {
            throw new UndeclaredDependencyException(pluginName, name, s.descriptor.dependencies());
        }
    }

    @Override
    public <T> T getDependency(String name, Class<T> type) {
        Plugin dependency = getDependency(name);
        if (!type.isInstance(dependency)) {
            throw new ClassCastException("dependency '" + name + "' of plugin '" + pluginName + "' is a "
                    + dependency.getClass().getName() + ", not a " + type.getName());
        }
        return type.cast(dependency);
    }

    @Override
    public Map<String, Plugin> getDependencies() {
        return state().dependencies;
    }

    @Override
    public <T> List<T> extensions(Class<T> type) {
        ExtensionLookup lookup = state().extensions;
        if (type == null || !type.isInterface() || type == Plugin.class) {
            throw new InvalidArgumentException("type", "an extension point is an interface other than Plugin; got "
                    + (type == null ? "null" : type.getName()));
        }
        return lookup.extensions(type);
    }

    @Override
    public PluginConfig config() {
        return state().config;
    }

    @Override
    public PluginScheduler scheduler() {
        return state().scheduler;
    }

    @Override
    public Optional<DatabaseRepository> database() {
        return state().database;
    }

    @Override
    public Optional<KafkaRepository> kafka() {
        return state().kafka;
    }

    @Override
    public Optional<S3Repository> s3() {
        return state().s3;
    }

    @Override
    public String toString() {
        return "PluginContext[" + pluginName + (isValid() ? "" : ", invalidated") + "]";
    }

    private record State(PluginDescriptor descriptor, EventBus eventBus, Map<String, Plugin> dependencies,
                         PluginConfig config,
                         Optional<DatabaseRepository> database, Optional<KafkaRepository> kafka,
                         Optional<S3Repository> s3, ExtensionLookup extensions, PluginScheduler scheduler) {
    }
}
