package io.pluginhost.host;

import io.pluginhost.runtime.DirectoryLoadResult;
import io.pluginhost.runtime.PluginManager;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Makes a node's engine follow what operators changed on other nodes, as the operator state the nodes share
 * tells it: unloads first, then overrides and settings (a load after them uses them), then jars uploaded or
 * deleted, then loads of plugins no longer held unloaded, from this node's plugin directory. Each is logged;
 * what the engine refuses is logged too, and not asked again until the state changes.
 */
final class OtherNodesChanges {

    private static final Logger LOG = Logger.getLogger(OtherNodesChanges.class.getName());

    private final PluginManager engine;
    private final Path pluginDirectory;
    private final Jars jars;

    /** What a node does with the jars of its plugin directory when another node's operator changed them. */
    interface Jars {
        /**
         * Writes the jar uploaded on another node, and loads or upgrades its plugin as the upload did there;
         * nothing if this node's directory holds that jar already.
         */
        void uploaded(String file, String sha256);

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
        changes.jars().forEach((file, sha256) -> followed((sha256.isPresent() ? "the upload of " : "the delete of ")
                + file, () -> {
                    sha256.ifPresentOrElse(value -> jars.uploaded(file, value), () -> jars.deleted(file));
                    return null;
                }));
        if (changes.loadedAgain().isEmpty()) {
            return;
        }
        List<Path> jars = new ArrayList<>();
        Set<String> found = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pluginDirectory, "*.jar")) {
            for (Path jar : files) {
                try {
                    String name = engine.inspect(jar).name();
                    if (changes.loadedAgain().contains(name) && engine.find(name).isEmpty() && found.add(name)) {
                        jars.add(jar);
                    }
                } catch (RuntimeException notAPlugin) {
                    // listed as INVALID by GET /jars; no load could use it
                }
            }
        } catch (IOException e) {
            LOG.warning("cannot list the plugin directory to load " + changes.loadedAgain() + ", which an operator"
                    + " loaded on another node: " + FileProblems.describe(e));
            return;
        }
        if (!jars.isEmpty()) {
            DirectoryLoadResult result = engine.loadAll(jars);
            result.loaded().forEach(plugin -> LOG.info(() -> "the load of plugin '" + plugin.name()
                    + "': as done on another node, here too"));
            result.failed().forEach((jar, error) -> LOG.warning("the load of " + jar.getFileName()
                    + ", as done on another node, fails here: " + error.getMessage()));
        }
        Set<String> missing = new TreeSet<>(changes.loadedAgain());
        missing.removeAll(found);
        missing.removeIf(name -> engine.find(name).isPresent());
        if (!missing.isEmpty()) {
            LOG.info(() -> "an operator loaded " + missing + " on another node; not here: no jar of the plugin"
                    + " directory holds it");
        }
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
