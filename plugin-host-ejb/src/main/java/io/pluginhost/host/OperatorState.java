package io.pluginhost.host;

import io.pluginhost.runtime.resource.ResourceOverrides;
import jakarta.json.bind.Jsonb;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    @SuppressWarnings("unchecked")
    private void read(Map<String, Object> saved) {
        if (saved.get("unloaded") instanceof List<?> names) {
            names.forEach(n -> unloaded.add(String.valueOf(n)));
        }
        if (saved.get("overrides") instanceof Map<?, ?> byPlugin) {
            byPlugin.forEach((plugin, value) -> overrides.put(String.valueOf(plugin),
                    overridesFrom((Map<String, Object>) value)));
        }
        if (saved.get("config") instanceof Map<?, ?> byPlugin) {
            byPlugin.forEach((plugin, value) -> {
                Map<String, String> settings = new TreeMap<>();
                ((Map<String, Object>) value).forEach((k, v) -> settings.put(k, String.valueOf(v)));
                config.put(String.valueOf(plugin), settings);
            });
        }
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

    private void save() {
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
            throw new UncheckedIOException("cannot save the operator state to " + file.getFileName(), e);
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

    @SuppressWarnings("unchecked")
    private static ResourceOverrides overridesFrom(Map<String, Object> value) {
        return new ResourceOverrides(
                Optional.ofNullable((List<String>) value.get("allowedTables")),
                Optional.ofNullable((List<String>) value.get("allowedTopics")),
                Optional.ofNullable((List<String>) value.get("allowedBuckets")),
                names(value.get("tableNameMap")), names(value.get("topicNameMap")), names(value.get("bucketNameMap")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> names(Object map) {
        return map == null ? Map.of() : Map.copyOf((Map<String, String>) map);
    }
}
