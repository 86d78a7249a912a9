package io.pluginhost.host;

import io.pluginhost.runtime.PluginManager;
import io.pluginhost.runtime.resource.ResourceOverrides;
import jakarta.json.bind.Jsonb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * What an operator changed over REST and the host keeps across restarts: resource overrides, plugin
 * settings, and which plugins were unloaded. Kept as JSON in one file (by default
 * {@code .pluginhost-state.json} in the plugin directory, beside the jars it is about), written to a
 * temporary file and moved into place, so a crash never leaves half a file. Values set over REST win
 * over MicroProfile Config at start-up; clearing them over REST lets MicroProfile Config apply again.
 * Thread-safe.
 */
final class OperatorState {

    private static final Logger LOG = Logger.getLogger(OperatorState.class.getName());

    private final Path file;
    private final Jsonb json;
    private final Set<String> unloaded = new TreeSet<>();
    private final Map<String, ResourceOverrides> overrides = new TreeMap<>();
    private final Map<String, Map<String, String>> config = new TreeMap<>();
    /** Whether an entry of the file was left out (see {@link #applyTo}). */
    private boolean refusedAny;

    private OperatorState(Path file, Jsonb json) {
        this.file = file;
        this.json = json;
    }

    /**
     * @param file where the state lives
     * @param json the host's JSON-B
     * @return the state saved there, or an empty one (a file that cannot be read is logged and set aside)
     */
    static OperatorState load(Path file, Jsonb json) {
        OperatorState state = new OperatorState(file, json);
        if (!Files.isRegularFile(file)) {
            return state;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> saved = json.fromJson(Files.readString(file, StandardCharsets.UTF_8), Map.class);
            state.read(saved);
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            LOG.warning("cannot read the operator state " + file.getFileName() + " (" + e.getMessage()
                    + "); starting without it and keeping it as " + aside.getFileName());
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                LOG.warning("cannot set it aside either: " + moveFailed);
            }
            return new OperatorState(file, json);
        }
        return state;
    }

    /** Reads what was saved; an entry of the wrong shape is left out, as {@link #applyTo} says. */
    private void read(Map<String, Object> saved) {
        if (saved.get("unloaded") instanceof List<?> names) {
            names.forEach(n -> unloaded.add(String.valueOf(n)));
        }
        if (saved.get("overrides") instanceof Map<?, ?> byPlugin) {
            byPlugin.forEach((plugin, value) -> {
                try {
                    overrides.put(String.valueOf(plugin), overridesFrom(map(value, "the overrides")));
                } catch (IllegalArgumentException e) {
                    refused("overrides", String.valueOf(plugin), e.getMessage());
                }
            });
        }
        if (saved.get("config") instanceof Map<?, ?> byPlugin) {
            byPlugin.forEach((plugin, value) -> {
                try {
                    Map<String, String> settings = new TreeMap<>();
                    map(value, "the settings").forEach((k, v) -> settings.put(k, String.valueOf(v)));
                    config.put(String.valueOf(plugin), settings);
                } catch (IllegalArgumentException e) {
                    refused("settings", String.valueOf(plugin), e.getMessage());
                }
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(what + " are not a JSON object");
        }
        return (Map<String, Object>) value;
    }

    /**
     * Gives the engine the overrides and settings kept here, before anything loads. An entry that cannot
     * be read or that the engine refuses now (a rule a newer host made stricter, a hand edit) is logged
     * and left out, so that one entry cannot keep the host from starting; the file as it was is kept
     * beside it as {@code <file>.refused}, and the state kept from now on is what the engine took.
     *
     * @param engine an engine with nothing loaded yet
     */
    synchronized void applyTo(PluginManager engine) {
        overrides.entrySet().removeIf(entry -> !accepted("overrides", entry.getKey(),
                () -> engine.setOverrides(entry.getKey(), entry.getValue())));
        config.entrySet().removeIf(entry -> !accepted("settings", entry.getKey(),
                () -> engine.setConfig(entry.getKey(), entry.getValue())));
        if (refusedAny) {
            Path aside = file.resolveSibling(file.getFileName() + ".refused");
            try {
                Files.copy(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                LOG.warning("cannot keep the operator state as it was in " + aside.getFileName() + ": " + e);
            }
            save();
        }
    }

    /** @return whether the engine took the entry; if not, says why and what happens now */
    private boolean accepted(String kind, String plugin, Runnable apply) {
        try {
            apply.run();
            return true;
        } catch (RuntimeException e) {
            refused(kind, plugin, e.getMessage());
            return false;
        }
    }

    private void refused(String kind, String plugin, String why) {
        refusedAny = true;
        LOG.warning("the " + kind + " of plugin '" + plugin + "' kept in " + file.getFileName() + " are refused now ("
                + why + "); the host starts without them, and keeps the file as it was in " + file.getFileName()
                + ".refused");
    }

    synchronized Set<String> unloaded() {
        return Set.copyOf(unloaded);
    }

    synchronized Map<String, ResourceOverrides> overrides() {
        return Map.copyOf(overrides);
    }

    synchronized Map<String, Map<String, String>> config() {
        return Map.copyOf(config);
    }

    synchronized void unloaded(List<String> names) {
        if (unloaded.addAll(names)) {
            save();
        }
    }

    /** The plugin is no longer held unloaded: it was loaded again, or its jar deleted. */
    synchronized void clearUnload(String name) {
        if (unloaded.remove(name)) {
            save();
        }
    }

    synchronized void overrides(String plugin, Optional<ResourceOverrides> value) {
        if (value.isPresent()) {
            overrides.put(plugin, value.get());
        } else {
            overrides.remove(plugin);
        }
        save();
    }

    synchronized void config(String plugin, Optional<Map<String, String>> value) {
        if (value.isPresent()) {
            config.put(plugin, new TreeMap<>(value.get()));
        } else {
            config.remove(plugin);
        }
        save();
    }

    /**
     * Writes the state as it is, before a change is made: one the host could not keep is refused.
     *
     * @throws OperatorStateNotSavedException if the file cannot be written; nothing was changed
     */
    synchronized void checkSavable() {
        save("nothing was changed");
    }

    private void save() {
        save("the change holds until the server restarts");
    }

    /** @param consequence what it means for the change in hand if the file cannot be written */
    private void save(String consequence) {
        Map<String, Object> saved = new LinkedHashMap<>();
        saved.put("unloaded", new ArrayList<>(unloaded));
        Map<String, Object> savedOverrides = new TreeMap<>();
        overrides.forEach((plugin, value) -> savedOverrides.put(plugin, overridesJson(value)));
        saved.put("overrides", savedOverrides);
        saved.put("config", config);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".writing");
            // Settings may hold a plugin's secrets: only the server's own user reads the file.
            Files.deleteIfExists(temporary);
            if (temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(temporary,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(temporary, json.toJson(saved), StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new OperatorStateNotSavedException("cannot save the operator state to " + file.getFileName() + " ("
                    + FileProblems.describe(e) + "); " + consequence + ". Give pluginhost.state-file a writable place",
                    e);
        }
    }

    private static Map<String, Object> overridesJson(ResourceOverrides o) {
        Map<String, Object> value = new LinkedHashMap<>();
        o.allowedTables().ifPresent(v -> value.put("allowedTables", v));
        o.allowedTopics().ifPresent(v -> value.put("allowedTopics", v));
        o.allowedBuckets().ifPresent(v -> value.put("allowedBuckets", v));
        value.put("tableNameMap", o.tableNameMap());
        value.put("topicNameMap", o.topicNameMap());
        value.put("bucketNameMap", o.bucketNameMap());
        return value;
    }

    private static ResourceOverrides overridesFrom(Map<String, Object> value) {
        return new ResourceOverrides(list(value, "allowedTables"), list(value, "allowedTopics"),
                list(value, "allowedBuckets"), names(value, "tableNameMap"), names(value, "topicNameMap"),
                names(value, "bucketNameMap"));
    }

    /** @return a list of names, each as text (the engine checks them), or none */
    private static Optional<List<String>> list(Map<String, Object> overrides, String field) {
        Object value = overrides.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof List<?> names)) {
            throw new IllegalArgumentException("'" + field + "' is not a list of names");
        }
        return Optional.of(names.stream().map(String::valueOf).toList());
    }

    /** @return a map of names, each as text (the engine checks them), or an empty one */
    private static Map<String, String> names(Map<String, Object> overrides, String field) {
        Object value = overrides.get(field);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> names)) {
            throw new IllegalArgumentException("'" + field + "' is not a map of names");
        }
        Map<String, String> copy = new TreeMap<>();
        names.forEach((from, to) -> copy.put(String.valueOf(from), String.valueOf(to)));
        return copy;
    }
}
