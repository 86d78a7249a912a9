package io.pluginhost.host;

import io.pluginhost.runtime.DirectoryLoadResult;
import io.pluginhost.runtime.PluginManager;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Makes a node's engine follow what operators changed on other nodes, as the operator state the nodes share
 * tells it: unloads first, then overrides and settings (a load after them uses them), then jars uploaded
 * (written here; a plugin that runs here upgraded), then jars deleted, then one load of the plugins uploaded
 * and of those no longer held unloaded, from this node's plugin directory (one load, so a plugin loads after
 * the dependency uploaded with it). Each is logged; what the engine refuses is logged too, and not asked
 * again until the state changes.
 */
final class OtherNodesChanges {

    private static final Logger LOG = Logger.getLogger(OtherNodesChanges.class.getName());

    private final PluginManager engine;
    private final Path pluginDirectory;
    private final Jars jars;

    /** What a node does with the jars of its plugin directory when another node's operator changed them. */
    interface Jars {
        /**
         * Writes the jar uploaded on another node, and upgrades its plugin if it runs here (or reloads it if
         * its last load failed); nothing if this node's directory holds that jar already.
         *
         * @return the jar, if its plugin is to be loaded: neither loaded here nor held unloaded
         */
        Optional<Path> uploaded(String file, String sha256);

        /** Unloads what runs from the jar, with its dependents, and deletes it, as done on another node. */
        void deleted(String file);
    }

    /**
     * @param engine          this node's engine
     * @param pluginDirectory this node's plugin directory, where the jars of plugins loaded again are
     * @param jars            writes and deletes the jars of that directory
     */
    OtherNodesChanges(PluginManager engine, Path pluginDirectory, Jars jars) {
        this.engine = engine;
        this.pluginDirectory = pluginDirectory;
        this.jars = jars;
    }

    /**
     * @param changes what operators changed on other nodes, from {@link OperatorState#pull}
     */
    void follow(OperatorState.Changes changes) {
        // Unloads first: a change of settings reloads a plugin with its dependents, and the load of one held
        // unloaded would lift its unload for every node.
        for (String plugin : changes.unloaded()) {
            if (engine.find(plugin).isPresent()) {
                followed("the unload of plugin '" + plugin + "'", () -> engine.unload(plugin, true, false));
            }
        }
        changes.overrides().forEach((plugin, value) -> followed("the overrides of plugin '" + plugin + "'",
                () -> value.isPresent() ? engine.setOverrides(plugin, value.get()) : engine.clearOverrides(plugin)));
        changes.config().forEach((plugin, value) -> followed("the settings of plugin '" + plugin + "'",
                () -> value.isPresent() ? engine.setConfig(plugin, value.get()) : engine.clearConfig(plugin)));
        // Uploads before deletes: an upgrade to a jar of another name deletes the old file, and the delete
        // of that file, followed first, would unload the plugin with its dependents instead.
        List<Path> toLoad = new ArrayList<>();
        changes.jars().forEach((file, sha256) -> sha256.ifPresent(value -> followed("the upload of " + file,
                () -> jars.uploaded(file, value).map(toLoad::add))));
        changes.jars().forEach((file, sha256) -> {
            if (sha256.isEmpty()) {
                followed("the delete of " + file, () -> {
                    jars.deleted(file);
                    return file;
                });
            }
        });
        Set<String> found = new TreeSet<>();
        if (!changes.loadedAgain().isEmpty()) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(pluginDirectory, "*.jar")) {
                for (Path jar : files) {
                    try {
                        String name = engine.inspect(jar).name();
                        if (changes.loadedAgain().contains(name) && engine.find(name).isEmpty() && found.add(name)
                                && !toLoad.contains(jar)) {
                            toLoad.add(jar);
                        }
                    } catch (RuntimeException notAPlugin) {
                        // listed as INVALID by GET /jars; no load could use it
                    }
                }
            } catch (IOException e) {
                LOG.warning("cannot list the plugin directory to load " + changes.loadedAgain() + ", which an"
                        + " operator loaded on another node: " + FileProblems.describe(e));
            }
        }
        load(engine, toLoad);
        Set<String> missing = new TreeSet<>(changes.loadedAgain());
        missing.removeAll(found);
        missing.removeIf(name -> engine.find(name).isPresent());
        if (!missing.isEmpty()) {
            LOG.info(() -> "an operator loaded " + missing + " on another node; not here: no jar of the plugin"
                    + " directory holds it");
        }
    }

    /** Loads the jars at once (so in the order their dependencies ask), as done on another node; says how it went. */
    static void load(PluginManager engine, List<Path> jars) {
        if (jars.isEmpty()) {
            return;
        }
        DirectoryLoadResult result = engine.loadAll(jars);
        result.loaded().forEach(plugin -> LOG.info(() -> "the load of plugin '" + plugin.name()
                + "': as done on another node, here too"));
        result.failed().forEach((jar, error) -> LOG.warning("the load of " + jar.getFileName()
                + ", as done on another node, fails here: " + error.getMessage()));
    }

    /** Does what another node's operator did here, and says so; or says why not. */
    private static void followed(String what, Supplier<?> change) {
        try {
            change.get();
            LOG.info(() -> what + ": as done on another node, here too");
        } catch (RuntimeException e) {
            LOG.warning(what + ", as done on another node, fails here: " + e.getMessage());
        }
    }
}
