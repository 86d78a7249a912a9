package io.pluginhost.runtime;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.PluginHealth;
import io.pluginhost.api.exception.CircularDependencyException;
import io.pluginhost.api.exception.DependencyNotFoundException;
import io.pluginhost.api.exception.DependentsLoadedException;
import io.pluginhost.api.exception.DuplicatePluginException;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.api.exception.PluginNotFoundException;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.api.exception.SelfDependencyException;
import io.pluginhost.runtime.resource.ResourceOverrides;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads, unloads and reloads plugins at run time and lets callers use them.
 *
 * <p>Lifecycle operations (load, unload, reload, overrides) are serialized; reads and
 * {@link #execute} run concurrently with each other and with lifecycle operations. Every failure is
 * a typed {@link io.pluginhost.api.exception.PluginException}, is also reported to the lifecycle
 * listeners, and leaves nothing of the failed plugin behind.
 */
public interface PluginManager extends AutoCloseable {

    /**
     * Loads a plugin jar with the overrides stored for its name, if any.
     *
     * @param jar the jar
     * @return the loaded plugin
     * @throws InvalidPluginException      if the jar is not a valid plugin
     * @throws InvalidNameException        if a name in it is invalid
     * @throws DuplicatePluginException    if a plugin of that name is loaded
     * @throws DependencyNotFoundException if a dependency is not loaded
     * @throws SelfDependencyException     if it depends on itself
     * @throws PluginLoadException         if it cannot be resolved or {@code initialize} throws
     */
    PluginInfo load(Path jar);

    /**
     * Loads a plugin jar with overrides, which are stored for its name if it loads (else the ones stored
     * before stay).
     *
     * @param jar       the jar
     * @param overrides overrides to apply and keep
     * @return the loaded plugin
     * @see #load(Path)
     */
    PluginInfo load(Path jar, ResourceOverrides overrides);

    /**
     * Loads every {@code *.jar} of a directory in dependency order. A jar that fails is reported and
     * skipped; so are the plugins that depend on it. Plugins are prepared side by side and their
     * {@code initialize} calls run as one batch until one needs a plugin of the batch (declares it as
     * a dependency or requires its module), which is then finished first; each plugin is registered
     * and announced after its batch, in order. A plugin whose {@code initialize} fails is rolled back
     * before the next one's runs.
     *
     * @param directory the plugin directory
     * @return what loaded and what failed
     * @throws InvalidPluginException if {@code directory} is not a readable directory
     */
    DirectoryLoadResult loadDirectory(Path directory);

    /**
     * {@link #loadDirectory(Path)}, leaving out the plugins of the given names (as a host does for
     * plugins an operator unloaded before a restart). A plugin that requires one left out fails as if
     * it were missing.
     *
     * @param directory the plugin directory
     * @param skip      names of plugins not to load
     * @return what loaded and what failed
     */
    DirectoryLoadResult loadDirectory(Path directory, java.util.Set<String> skip);

    /**
     * Loads the given jars as {@link #loadDirectory(Path)} loads a directory's: in dependency order
     * whatever order they are given in, initialized in batches, a jar that fails reported and skipped
     * with the plugins that depend on it. For jars that arrive together, such as the files a hot
     * deployment finds settled at once.
     *
     * @param jars the jars; a path given twice is loaded once
     * @return what loaded and what failed
     * @throws NullPointerException if {@code jars} or one of them is {@code null} (nothing is loaded)
     */
    DirectoryLoadResult loadAll(java.util.Collection<Path> jars);

    /**
     * Unloads a plugin that no loaded plugin requires (see {@link #unload(String, boolean)} for
     * plugins bound to it as an optional dependency).
     *
     * @param name the plugin
     * @throws PluginNotFoundException   if it is not known
     * @throws DependentsLoadedException naming the dependents, if there are any
     * @throws PluginUnloadException     if its cleanup failed (it is unloaded anyway) or calls did
     *                                   not finish in time (it stays loaded; the message says which)
     */
    void unload(String name);

    /**
     * Unloads a plugin, and with {@code cascade} first every plugin that requires it, dependents
     * before their dependencies. A plugin bound to it only as an optional dependency (directly or
     * through one that goes) is not unloaded but loaded again without it, even without {@code cascade}.
     * A plugin listed as FAILED is forgotten, and its name returned.
     *
     * @param name    the plugin
     * @param cascade whether to unload dependents too
     * @return the names unloaded, in order
     * @see #unload(String)
     */
    List<String> unload(String name, boolean cascade);

    /**
     * As {@link #unload(String, boolean)}, and with {@code force} calls into those plugins still in
     * progress after the drain timeout do not stop it: the JDK cannot stop their threads, so they go on
     * running the plugin's code (whose calls into the host now fail) and keep its class loader until
     * they return, which {@link #leakSuspects()} names; {@code cleanup} may then run beside them.
     * Everything else of the plugins goes as in any unload. Without {@code force}, such calls refuse the
     * unload and nothing is unloaded.
     *
     * @param name    the plugin
     * @param cascade whether to unload dependents too
     * @param force   whether calls still in progress after the drain timeout are left running
     * @return the names unloaded, in order
     */
    List<String> unload(String name, boolean cascade, boolean force);

    /**
     * Reloads a plugin from its jar (reading it anew) with its stored overrides, together with every
     * loaded plugin that depends on it, so they bind to the new layer. The new jar is validated
     * before anything is unloaded.
     *
     * @param name the plugin
     * @return the plugins loaded again, in load order
     * @throws PluginLoadException         if the plugin or a dependent failed to load again (the
     *                                     others are loaded; failed ones are in state FAILED)
     * @throws CircularDependencyException if the new jar closes a cycle
     */
    List<PluginInfo> reload(String name);

    /**
     * Reloads with new overrides, which replace the stored ones: for a loaded plugin, all or nothing,
     * as {@link #setOverrides}.
     *
     * @param name      the plugin
     * @param overrides the new overrides
     * @return the plugins loaded again, in load order
     * @see #reload(String)
     */
    List<PluginInfo> reload(String name, ResourceOverrides overrides);

    /**
     * Unloads every plugin, dependents first. Failures are reported and do not stop the others.
     *
     * @return the names unloaded, in order
     */
    List<String> unloadAll();

    /**
     * @param name a plugin name
     * @return the plugin, loaded or failed, if known
     */
    Optional<PluginInfo> find(String name);

    /**
     * @param name a plugin name
     * @return the plugin
     * @throws PluginNotFoundException if it is not known
     */
    PluginInfo get(String name);

    /** @return every known plugin: loaded ones in load order, then failed ones */
    List<PluginInfo> list();

    /**
     * Calls a loaded plugin's {@code execute}. Runs concurrently with other calls; an unload waits
     * for it to finish.
     *
     * @param name  the plugin
     * @param input its input
     * @return its result
     * @throws PluginNotFoundException  if it is not loaded (or is being unloaded)
     * @throws PluginExecutionException if it threw
     */
    Object execute(String name, Object input);

    /**
     * Calls a loaded plugin's {@code execute} and hands its result to {@code reader} inside the same call:
     * for a host that turns the result into a form of its own (JSON, text), which runs the plugin's code
     * (a getter, {@code toString}). The reader runs on the caller's thread with the plugin's context
     * loader, and an unload waits for it as for {@code execute}.
     *
     * @param name   the plugin
     * @param input  its input
     * @param reader turns the result into the caller's form; what it throws is the plugin's failure
     * @param <R>    the caller's form
     * @return what the reader returned
     * @throws PluginNotFoundException  if it is not loaded (or is being unloaded)
     * @throws PluginExecutionException if the plugin or the reader threw
     */
    <R> R execute(String name, Object input, java.util.function.Function<Object, R> reader);

    /**
     * Stores overrides for a plugin name; if that plugin is loaded, reloads it (and its dependents).
     * All or nothing: if the plugin or a dependent does not come back with them, the previous
     * overrides are stored again, what ran before runs again with them, and the failure is thrown.
     *
     * @param name      the plugin name (need not be loaded)
     * @param overrides the overrides
     * @return the plugins reloaded, if any
     * @throws InvalidNameException if a name in the overrides is invalid
     * @throws io.pluginhost.api.exception.PluginException of the type naming what is wrong; nothing changed
     */
    List<PluginInfo> setOverrides(String name, ResourceOverrides overrides);

    /**
     * @param name the plugin name
     * @return its stored overrides, if any
     */
    Optional<ResourceOverrides> getOverrides(String name);

    /**
     * Removes a plugin's overrides; if it is loaded, reloads it with its declared resources. All or
     * nothing, as {@link #setOverrides}.
     *
     * @param name the plugin name
     * @return the plugins reloaded, if any
     */
    List<PluginInfo> clearOverrides(String name);

    /**
     * Asks each loaded plugin that implements {@link io.pluginhost.api.Plugin#health} whether it can do its work
     * now: all at once, each on a thread of its own, a check still running from an earlier call asked no second
     * time. For readiness checks.
     *
     * @param timeout how long the checks may take, together
     * @return by plugin name, in name order, what each said; down with why where its check threw, answered
     *         {@code null} or had not answered within the timeout
     * @see PluginInfo#health() what each last said, kept
     */
    Map<String, PluginHealth> health(Duration timeout);

    /**
     * Asks one loaded plugin whether it can do its work now, as {@link #health(Duration)} asks them all; its
     * answer is kept as that call's are.
     *
     * @param name    the plugin
     * @param timeout how long its check may take
     * @return what it said ({@link PluginHealth#up()} for a plugin without a check of its own)
     * @throws PluginNotFoundException if it is not loaded (or is being unloaded)
     */
    PluginHealth health(String name, Duration timeout);

    /**
     * Reports each plugin's work (execute calls, events, repository calls, load and unload times) to
     * {@code metrics} from now on; {@link PluginMetrics#NONE} stops it.
     *
     * @param metrics where reports go
     */
    void setMetrics(PluginMetrics metrics);

    /**
     * Runs {@code action} while no load, unload or reload is in progress, and lets none start until it
     * ends; waits for one in progress. For a host that changes what an operation reads, such as deleting
     * a jar no plugin is loaded from: a plugin still in its {@code initialize} is not listed yet. The
     * action may call this engine.
     *
     * @param action what to run
     * @param <T>    its result's type
     * @return its result
     */
    <T> T betweenOperations(java.util.function.Supplier<T> action);

    /**
     * Reads and validates a jar's module descriptor and metadata as {@code load} does before running any
     * code, without loading it. Its private libraries are neither unpacked nor checked (its load does), and
     * it waits for no plugin operation: a listing of many jars stays cheap while a plugin starts.
     *
     * @param jar a plugin jar
     * @return its descriptor
     * @throws io.pluginhost.api.exception.InvalidPluginException or another typed error if it is not a valid plugin jar
     */
    PluginDescriptor inspect(Path jar);

    /**
     * Replaces a loaded plugin's jar with a new version, all or nothing. The new jar is read and
     * validated (same plugin name, dependencies, the versions its dependents require) before anything
     * changes; then the plugin and its dependents are stopped, the new jar moved to {@code target},
     * and they are loaded again on it. The old jar stays (as {@code <jar>.previous} if {@code target} is
     * its own path) until the new version has initialized; if it fails, the old jar is put back and
     * loaded again with its dependents, and the failure is thrown. On success the old jar is deleted.
     *
     * @param name   a loaded plugin
     * @param staged the new jar, at a path a plugin directory's {@code *.jar} does not match
     * @param target where the new jar is to live: the old jar's path, or a path where no file is
     * @return the versions and what runs now
     * @throws PluginNotFoundException if {@code name} is not loaded
     * @throws io.pluginhost.api.exception.PluginException of the type naming what is wrong, before or
     *                                 after a rollback (the message says which)
     */
    UpgradeResult upgrade(String name, Path staged, Path target);

    /**
     * Replaces a plugin's own settings (what {@code context.config()} returns). If it is loaded, it is
     * reloaded with them, with its dependents, as for overrides; if not, they are stored for its next
     * load. All or nothing: if the plugin or a dependent does not come back with the new settings, the
     * previous ones are stored again, what ran before runs again with them, and the failure is thrown.
     *
     * @param name     the plugin name (need not be loaded)
     * @param settings the settings by key
     * @return the plugins reloaded, if any
     * @throws InvalidNameException if a key is blank or has spaces, or a value is missing
     */
    List<PluginInfo> setConfig(String name, Map<String, String> settings);

    /**
     * @param name the plugin name
     * @return its stored settings, if any were set
     */
    Optional<Map<String, String>> getConfig(String name);

    /**
     * Removes a plugin's settings; if it is loaded, reloads it without them. All or nothing, as
     * {@link #setConfig}.
     *
     * @param name the plugin name
     * @return the plugins reloaded, if any
     */
    List<PluginInfo> clearConfig(String name);

    /** @param listener observes loads, unloads and errors from now on */
    void addLifecycleListener(PluginLifecycleListener listener);

    /** @param listener stops observing */
    void removeLifecycleListener(PluginLifecycleListener listener);

    /**
     * Subscribes host code (not a plugin) to plugin events, e.g. a bridge to CDI or JMS.
     *
     * @param pattern  an event name or pattern
     * @param listener the listener; it runs on the emitter's thread
     * @return a handle that unsubscribes when closed
     */
    AutoCloseable subscribe(String pattern, EventListener listener);

    /**
     * Emits an event on behalf of the host (for example one that arrived from another node): every
     * plugin with a matching listener receives it.
     *
     * @param event the event name
     * @param data  the payload
     * @return how many listeners received it
     */
    int publish(String event, Object data);

    /**
     * Diagnostics for operators: the unloaded plugins whose class loaders have not been garbage
     * collected yet. Normally empty after the next GC; a name that stays is a leak.
     *
     * @return {@code name@version} of each such plugin, one entry per unloaded instance
     */
    List<String> unloadedButNotCollected();

    /**
     * What the engine saw holding the loaders of unloaded plugins that are still in memory: after each
     * unload it resets threads that inherited the plugin's loader and names the threads still running
     * the plugin's code.
     *
     * @return plugin (name@version) to the reasons found, for every entry of {@link #unloadedButNotCollected()}
     *         (an empty list: no thread holds it; a heap analysis can say what does)
     */
    Map<String, List<String>> leakSuspects();

    /**
     * Removes from the calling thread the thread-local values that plugin code left on it: a value of a
     * plugin's class, a reference to one (a library's {@code ThreadLocal<SoftReference<...>>}, as
     * Jackson keeps its buffers), or any value of a plugin's own {@code ThreadLocal} subclass. A thread
     * a container lends (a request thread) outlives every plugin, and such a value would keep an
     * unloaded plugin's loader for the thread's life; the engine cannot change another thread's
     * values safely, so the host calls this on the lent thread once the plugin calls made on it have
     * returned. Does nothing while a plugin call is in progress on the thread.
     *
     * @return how many values it removed
     */
    int releaseCallingThread();

    /**
     * Suspends the plugins' background work, as WildFly suspends its EJB timers and message-driven beans
     * ({@code :suspend}, and the suspend that begins a graceful {@code :shutdown}): no scheduled task
     * starts a run, and repositories that hand plugins work of their own accord (the Kafka consumers)
     * hand over nothing. Runs and calls in progress go on; calls, events and lifecycle operations are
     * served as before (in a server, the requests that make them are what its suspend refuses).
     *
     * @return whether it was running
     */
    boolean suspend();

    /**
     * Ends a {@link #suspend}: each task that came due during it runs once, now (however many times it
     * came due), and then on its schedule; the Kafka consumers go on from the first record they did not
     * hand over.
     *
     * @return whether it was suspended
     */
    boolean resume();

    /** @return whether the plugins' background work is suspended */
    boolean isSuspended();

    /** Unloads everything. */
    @Override
    void close();
}
