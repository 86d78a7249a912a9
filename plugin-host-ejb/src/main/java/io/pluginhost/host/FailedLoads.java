package io.pluginhost.host;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginLifecycleListener;
import io.pluginhost.runtime.PluginState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Why the last load of each jar of the plugin directory failed, for {@code GET /jars}: a plugin that
 * failed to load for the first time is not known to the engine, and its jar would otherwise be listed
 * as merely not loaded. A failure is kept with the jar's modification time then, so a different file
 * put under the same name later is not listed with an older file's failure; a load from the jar forgets it.
 */
final class FailedLoads implements PluginLifecycleListener {

    private record Failure(FileTime modified, String plugin, String message) {
    }

    private final Map<Path, Failure> byJar = new ConcurrentHashMap<>();
    /** The modification time each jar had when a plugin was last loaded from it. */
    private final Map<Path, FileTime> loadedVersions = new ConcurrentHashMap<>();
    private final Function<String, Optional<PluginInfo>> plugins;

    /** @param plugins finds a plugin the engine knows by name ({@code PluginManager.find}) */
    FailedLoads(Function<String, Optional<PluginInfo>> plugins) {
        this.plugins = plugins;
    }

    @Override
    public void pluginFailed(String pluginName, Path source, PluginException error) {
        if (source == null) {
            return; // a loaded plugin's listener or task, not a load
        }
        Path jar = source.toAbsolutePath().normalize();
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(jar);
        } catch (IOException gone) {
            byJar.remove(jar); // a staged upload already removed, or a jar deleted meanwhile
            return;
        }
        boolean loadedFromIt = pluginName != null && plugins.apply(pluginName)
                .filter(p -> p.state() == PluginState.LOADED && p.source().toAbsolutePath().normalize().equals(jar))
                .isPresent();
        if (loadedFromIt && modified.equals(loadedVersions.get(jar))) {
            byJar.remove(jar); // an upgrade that failed and was rolled back: what the jar holds runs
            return;
        }
        byJar.put(jar, new Failure(modified, pluginName, error.getMessage()));
    }

    @Override
    public void pluginLoaded(PluginInfo plugin) {
        Path jar = plugin.source().toAbsolutePath().normalize();
        byJar.remove(jar);
        try {
            loadedVersions.put(jar, Files.getLastModifiedTime(jar));
        } catch (IOException gone) {
            loadedVersions.remove(jar);
        }
    }

    /**
     * @param jar      a jar of the plugin directory
     * @param modified its modification time now
     * @return why its last load failed, if it did and the file is the one that failed
     */
    Optional<String> of(Path jar, FileTime modified) {
        Path key = jar.toAbsolutePath().normalize();
        Failure failure = byJar.get(key);
        if (failure != null && !failure.modified().equals(modified)) {
            byJar.remove(key, failure);
            return Optional.empty();
        }
        return Optional.ofNullable(failure).map(Failure::message);
    }

    /**
     * @param jar      the jar a loaded plugin was loaded from
     * @param modified its modification time now
     * @return why the file it holds now did not load, if it is another file than the one that runs and
     *         its load failed (a plugin runs as loaded before a bad jar replaced its own)
     */
    Optional<String> ofLoaded(Path jar, FileTime modified) {
        return modified.equals(loadedVersions.get(jar.toAbsolutePath().normalize())) ? Optional.empty()
                : of(jar, modified);
    }

    /** A jar of the plugin directory whose last load failed, and why. */
    record JarFailure(Path jar, String message) {
    }

    /**
     * @param plugin a plugin name
     * @return the jar, still there and unchanged, that failed to load as that plugin, and why (a plugin
     *         the engine does not know when it failed its first load)
     */
    Optional<JarFailure> ofPlugin(String plugin) {
        return byJar.entrySet().stream().filter(entry -> plugin.equals(entry.getValue().plugin()) && unchanged(entry))
                .findFirst().map(entry -> new JarFailure(entry.getKey(), entry.getValue().message()));
    }

    /**
     * @param listed       whether the engine lists a plugin of that name (loaded, or FAILED after a reload)
     * @param heldUnloaded the plugins an operator holds unloaded
     * @return by plugin name, why its jar, still there and unchanged, failed its first load: plugins the
     *         engine does not list, which readiness reports besides the engine's (a jar no name could be
     *         read from is no plugin, and left to {@code GET /jars})
     */
    Map<String, String> firstLoadFailures(Predicate<String> listed, Set<String> heldUnloaded) {
        Map<String, String> failures = new TreeMap<>();
        for (Map.Entry<Path, Failure> entry : byJar.entrySet()) {
            String plugin = entry.getValue().plugin();
            if (plugin != null && !listed.test(plugin) && !heldUnloaded.contains(plugin) && unchanged(entry)) {
                failures.put(plugin, entry.getValue().message());
            }
        }
        return failures;
    }

    private static boolean unchanged(Map.Entry<Path, Failure> failure) {
        try {
            return Files.getLastModifiedTime(failure.getKey()).equals(failure.getValue().modified());
        } catch (IOException gone) {
            return false;
        }
    }

    /** Forgets a jar's failure: the jar was deleted. */
    void forget(Path jar) {
        Path key = jar.toAbsolutePath().normalize();
        byJar.remove(key);
        loadedVersions.remove(key);
    }
}
