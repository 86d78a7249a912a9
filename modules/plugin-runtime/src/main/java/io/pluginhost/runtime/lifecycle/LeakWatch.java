package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.runtime.internal.ThreadHygiene;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the class loaders of unloaded plugins until the garbage collector takes them, and keeps
 * what was seen holding each: after every unload it cleans the JVM's threads of the plugin's loader
 * ({@link ThreadHygiene}) and records the threads still running its code. Thread-safe.
 */
public final class LeakWatch {

    private static final System.Logger LOG = System.getLogger(LeakWatch.class.getName());

    private final Set<ReleasedLoader> released = ConcurrentHashMap.newKeySet();
    private final ReferenceQueue<ClassLoader> collected = new ReferenceQueue<>();
    private final ClassLoader hostLoader;

    /** @param hostLoader the context loader to give threads that had a plugin's */
    public LeakWatch(ClassLoader hostLoader) {
        this.hostLoader = hostLoader;
    }

    /**
     * Cleans the threads of an unloaded plugin's loader and starts watching it.
     *
     * @param plugin  the unloaded plugin
     * @param loader  its loader, no longer referenced by the engine
     * @param already what is already known to hold it (threads past a deadline)
     */
    public void watch(PluginDescriptor plugin, ClassLoader loader, List<String> already) {
        drain();
        List<String> suspects = new ArrayList<>(already);
        suspects.addAll(ThreadHygiene.afterUnload(loader, hostLoader));
        suspects.forEach(reason -> LOG.log(System.Logger.Level.WARNING, "unloaded plugin {0}: {1}", plugin, reason));
        released.add(new ReleasedLoader(plugin.toString(), loader, collected, suspects));
    }

    /** @return unloaded plugins (name@version) whose loaders are still in memory */
    public List<String> unloadedButNotCollected() {
        drain();
        return released.stream().filter(r -> r.get() != null).map(r -> r.plugin).sorted().toList();
    }

    /**
     * @return for each of {@link #unloadedButNotCollected()}, what was seen holding it: at unload, and
     *         now (thread-local values of its classes that live threads hold)
     */
    public Map<String, List<String>> suspects() {
        drain();
        Map<ReleasedLoader, ClassLoader> alive = new java.util.LinkedHashMap<>();
        for (ReleasedLoader r : released) {
            ClassLoader loader = r.get();
            if (loader != null) {
                alive.put(r, loader);
            }
        }
        Map<ClassLoader, List<String>> threadLocals = ThreadHygiene.threadLocalHolders(alive.values());
        Map<String, List<String>> suspects = new TreeMap<>();
        alive.forEach((r, loader) -> {
            List<String> reasons = new ArrayList<>(r.suspects);
            reasons.addAll(threadLocals.getOrDefault(loader, List.of()));
            suspects.put(r.plugin, List.copyOf(reasons));
        });
        return suspects;
    }

    private void drain() {
        for (Reference<?> r = collected.poll(); r != null; r = collected.poll()) {
            released.remove(r);
        }
    }

    /** The loader of an unloaded plugin, watched until it is collected. Identity equality. */
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
