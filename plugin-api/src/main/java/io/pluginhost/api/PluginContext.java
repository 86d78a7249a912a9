package io.pluginhost.api;

import io.pluginhost.api.exception.DependencyNotFoundException;
import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.api.exception.UndeclaredDependencyException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.api.resource.S3Repository;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plugin's view of the host, handed to {@link Plugin#initialize}.
 *
 * <p>Valid from {@code initialize} until the plugin is unloaded. After that every method, and every
 * object obtained through it (event bus, repositories), throws
 * {@link PluginContextInvalidatedException}, so a plugin that keeps a reference by mistake fails
 * loudly instead of acting on behalf of an unloaded plugin. Safe for concurrent use.
 */
public interface PluginContext {

    /** @return this plugin's own descriptor */
    PluginDescriptor descriptor();

    /** @return the event bus, as seen by this plugin: its listeners are removed on unload */
    EventBus eventBus();

    /**
     * Returns a declared dependency.
     *
     * @param name the dependency's plugin name
     * @return the loaded dependency
     * @throws UndeclaredDependencyException if this plugin does not declare {@code name}
     * @throws DependencyNotFoundException   if it is an optional dependency that is not bound
     */
    Plugin getDependency(String name);

    /**
     * Whether a declared dependency is bound: always for a required one; for an optional one, whether
     * it was loaded, in a version in its range, when this plugin loaded. (Loading or unloading it later
     * reloads this plugin, so the answer holds for the life of this context.)
     *
     * @param name the dependency's plugin name
     * @return whether {@link #getDependency(String)} returns it
     * @throws UndeclaredDependencyException if this plugin does not declare {@code name}
     */
    boolean hasDependency(String name);

    /**
     * An optional dependency as one of the types it exports, if it is bound.
     *
     * @param name the dependency's plugin name
     * @param type a type the dependency's plugin class implements
     * @param <T>  that type
     * @return the dependency, or empty if it is not bound
     * @throws UndeclaredDependencyException if this plugin does not declare {@code name}
     * @throws ClassCastException            if the dependency is not a {@code type}
     */
    <T> Optional<T> findDependency(String name, Class<T> type);

    /**
     * Returns a declared dependency as one of the types it exports, e.g. an interface in a package
     * the dependency's module exports. Works because a dependency's module layer is a parent of
     * this plugin's layer, so both see the same class.
     *
     * @param name the dependency's plugin name
     * @param type a type the dependency's plugin class implements
     * @param <T>  that type
     * @return the dependency, cast to {@code type}
     * @throws UndeclaredDependencyException if this plugin does not declare {@code name}
     * @throws ClassCastException            if the dependency is not a {@code type}
     */
    <T> T getDependency(String name, Class<T> type);

    /** @return every bound dependency by name, in declared order; unmodifiable */
    Map<String, Plugin> getDependencies();

    /**
     * The implementations of an extension point that loaded plugins provide: PF4J's extensions and
     * OSGi's services, in JPMS form. A plugin declares an interface in a package it exports; plugins
     * that depend on it implement the interface and say so in their {@code module-info}
     * ({@code provides com.example.payments.PaymentMethod with com.example.stripe.StripeMethod;});
     * any plugin that sees the interface asks for them here. An implementation is made (its
     * constructor or {@code provider()} method, as {@link java.util.ServiceLoader} does) the first
     * time it is asked for, and kept until its plugin unloads; one whose constructor throws is left
     * out, and reported as an error of its plugin as a failing listener is.
     *
     * <p>Each element is a handle, not the implementation: a call goes into the providing plugin as
     * the host's calls do (its context class loader, its call gate, so its unload waits for the call)
     * and throws {@link PluginContextInvalidatedException} once that
     * plugin is unloaded; the handle then holds nothing of it, so keeping one does not keep the
     * plugin in memory. What an implementation throws reaches the caller as a
     * {@link io.pluginhost.api.exception.PluginExecutionException} naming the plugin and carrying
     * the original's class, message and stack as text (the original would hold the plugin's classes);
     * what it returns is passed as it is, so a result of the plugin's own classes, kept, keeps it. The
     * list is what is loaded now: ask again to see plugins loaded since.
     *
     * @param type the extension point, an interface
     * @param <T>  its type
     * @return a handle per implementation, providing plugins in load order; empty if none is loaded
     * @throws io.pluginhost.api.exception.InvalidArgumentException if {@code type} is not an interface,
     *         or is {@link Plugin}
     */
    default <T> List<T> extensions(Class<T> type) {
        throw new UnsupportedOperationException("this context does not look up extensions");
    }

    /** @return this plugin's own settings (see {@link PluginConfig}) */
    PluginConfig config();

    /**
     * @return the host's scheduler for this plugin's later and periodic work, whose tasks stop when the
     *         plugin unloads (see {@link PluginScheduler})
     */
    default PluginScheduler scheduler() {
        throw new UnsupportedOperationException("this context has no scheduler");
    }

    /** @return the database repository, restricted to this plugin's tables; empty if the host has none */
    Optional<DatabaseRepository> database();

    /** @return the Kafka repository, restricted to this plugin's topics; empty if the host has none */
    Optional<KafkaRepository> kafka();

    /** @return the S3 repository, restricted to this plugin's buckets; empty if the host has none */
    Optional<S3Repository> s3();
}
