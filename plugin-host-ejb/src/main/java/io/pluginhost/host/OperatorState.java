package io.pluginhost.host;

import io.pluginhost.resource.database.HostDocuments;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * What an operator changed over REST and the host keeps across restarts: resource overrides, plugin
 * settings, and which plugins were unloaded. Kept as JSON, by default in one file ({@code
 * .pluginhost-state.json} in the plugin directory, beside the jars it is about), written to a temporary
 * file and moved into place, so a crash never leaves half a file. Or shared by the nodes of a cluster
 * ({@link #shared}): one document in their database, to which each node makes its own changes (made on
 * what is stored, so two nodes changing it at once both keep theirs), and from which it takes the other
 * nodes' changes ({@link #pull}). Values set over REST win over MicroProfile Config at start-up; clearing
 * them over REST lets MicroProfile Config apply again. Thread-safe.
 */
final class OperatorState {

    private static final Logger LOG = Logger.getLogger(OperatorState.class.getName());
    /** The shared document's name in {@code pluginhost$document}. */
    static final String DOCUMENT = "operator-state";
    /** The prefix of the shared documents that hold the jars uploaded over REST (base64), by their SHA-256. */
    static final String JARS = "jar:";
    /** Writes refused because another node wrote first, one after the other, before a change gives up. */
    private static final int MAX_RACES = 20;

    private final Path file;
    private final HostDocuments shared;
    private final Jsonb json;
    private final Set<String> unloaded = new TreeSet<>();
    private final Map<String, ResourceOverrides> overrides = new TreeMap<>();
    private final Map<String, Map<String, String>> config = new TreeMap<>();
    /** The jars uploaded over REST, by file name: their SHA-256, which names their bytes (shared state only). */
    private final Map<String, String> jars = new TreeMap<>();
    /** Whether an entry of the file was left out (see {@link #applyTo}). */
    private boolean refusedAny;
    /** The shared document's version this node last took the changes of. */
    private long pulled;

    private OperatorState(Path file, HostDocuments shared, Jsonb json) {
        this.file = file;
        this.shared = shared;
        this.json = json;
    }

    /**
     * @param file where the state lives
     * @param json the host's JSON-B
     * @return the state saved there, or an empty one (a file that cannot be read is logged and set aside)
     */
    static OperatorState load(Path file, Jsonb json) {
        OperatorState state = new OperatorState(file, null, json);
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
            return new OperatorState(file, null, json);
        }
        return state;
    }

    /**
     * The state the nodes of a cluster share, as it is stored; if nothing is stored yet, what this node's
     * state file holds becomes the first shared state.
     *
     * @param documents where the nodes keep it
     * @param file      this node's state file, read only if nothing is shared yet
     * @param json      the host's JSON-B
     * @throws OperatorStateNotSavedException if the database cannot be reached: the host must not start on
     *                                        a state other than the cluster's
     */
    static OperatorState shared(HostDocuments documents, Path file, Jsonb json) {
        OperatorState state = new OperatorState(file, documents, json);
        synchronized (state) {
            Optional<HostDocuments.Stored> stored = state.stored("the host cannot start without it");
            if (stored.isEmpty() && Files.isRegularFile(file)) {
                OperatorState local = load(file, json);
                state.copy(local);
                state.save(into -> into.copy(local), "the host cannot start without it");
                LOG.info(() -> "the operator state is shared through " + documents + " from now on; it began as "
                        + file.getFileName() + ", which the host no longer reads");
                stored = state.stored("the host cannot start without it");
            }
            if (stored.isPresent()) {
                state.clear();
                state.read(state.parse(stored.get().text()));
                state.pulled = stored.get().version();
            }
        }
        return state;
    }

    private void copy(OperatorState from) {
        unloaded.addAll(from.unloaded);
        overrides.putAll(from.overrides);
        config.putAll(from.config);
        jars.putAll(from.jars);
    }

    private void clear() {
        unloaded.clear();
        overrides.clear();
        config.clear();
        jars.clear();
    }

    /**
     * @param text the shared document
     * @return its entries
     * @throws OperatorStateNotSavedException if it is not a JSON object (a hand edit): read as empty, it would
     *                                        lift every unload and clear every override on every node
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String text) {
        try {
            if (json.fromJson(text, Object.class) instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        } catch (RuntimeException e) {
            throw new OperatorStateNotSavedException("the operator state the nodes share in " + shared
                    + " is not JSON (" + e.getMessage() + "); no node changes it or follows it until it is mended",
                    new IOException(e));
        }
        throw new OperatorStateNotSavedException("the operator state the nodes share in " + shared + " is not a JSON"
                + " object; no node changes it or follows it until it is mended", new IOException("not an object"));
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
        if (saved.get("jars") instanceof Map<?, ?> byFile) {
            byFile.forEach((file, sha256) -> jars.put(String.valueOf(file), String.valueOf(sha256)));
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
     * beside it as {@code <file>.refused}, and the state kept from now on is what the engine took. A
     * shared state keeps what this node refuses, for the other nodes.
     *
     * @param engine an engine with nothing loaded yet
     */
    synchronized void applyTo(PluginManager engine) {
        if (shared != null) {
            // Another node may take what this one refuses: left in the shared state, and out of this engine.
            overrides.forEach((plugin, value) -> accepted("overrides", plugin,
                    () -> engine.setOverrides(plugin, value)));
            config.forEach((plugin, value) -> accepted("settings", plugin, () -> engine.setConfig(plugin, value)));
            return;
        }
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
            write("the change holds until the server restarts");
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
        if (shared != null) {
            LOG.warning("the " + kind + " of plugin '" + plugin + "' kept in " + shared + " are refused on this node ("
                    + why + "); it goes on without them, and leaves them there for the others");
            return;
        }
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

    /**
     * An operator unloaded the plugins: held unloaded from now on. A shared state gets it even where this
     * node's state held them already, as another node may have loaded one meanwhile.
     */
    synchronized void unloaded(List<String> names) {
        if (unloaded.addAll(names) || shared != null) {
            save(into -> into.unloaded.addAll(names));
        }
    }

    /**
     * An operator loaded the plugin: no longer held unloaded. A shared state gets it even where this node's
     * state did not hold it, as another node may have unloaded it meanwhile; that unload is older.
     */
    synchronized void loadedByOperator(String name) {
        if (unloaded.remove(name) || shared != null) {
            save(into -> into.unloaded.remove(name));
        }
    }

    /** The plugin is no longer held unloaded: it was loaded again (by hot deploy, say), or its jar deleted. */
    synchronized void clearUnload(String name) {
        if (unloaded.remove(name)) {
            save(into -> into.unloaded.remove(name));
        }
    }

    synchronized void overrides(String plugin, Optional<ResourceOverrides> value) {
        Consumer<OperatorState> change = into -> {
            if (value.isPresent()) {
                into.overrides.put(plugin, value.get());
            } else {
                into.overrides.remove(plugin);
            }
        };
        change.accept(this);
        save(change);
    }

    synchronized void config(String plugin, Optional<Map<String, String>> value) {
        Consumer<OperatorState> change = into -> {
            if (value.isPresent()) {
                into.config.put(plugin, new TreeMap<>(value.get()));
            } else {
                into.config.remove(plugin);
            }
        };
        change.accept(this);
        save(change);
    }

    /** @return the jars uploaded over REST that the nodes share, by file name: their SHA-256 */
    synchronized Map<String, String> jars() {
        return Map.copyOf(jars);
    }

    /**
     * An operator uploaded the jar on this node: a shared state keeps its bytes, for the other nodes to write
     * into their plugin directories, and names them under the file name; the bytes of the jar it replaced are
     * dropped once no file name names them. Nothing, if the state is not shared.
     *
     * @param file the jar's file name in the plugin directory
     * @param jar  the jar, as this node loaded it
     * @throws OperatorStateNotSavedException if the database cannot be written; the jar is on this node only
     */
    synchronized void jarUploaded(String file, Path jar) {
        if (shared == null) {
            return;
        }
        String consequence = "the jar is on this node only; upload it again once the database answers";
        String sha256;
        try {
            byte[] bytes = Files.readAllBytes(jar);
            sha256 = sha256(bytes);
            shared.put(JARS + sha256, Base64.getEncoder().encodeToString(bytes));
        } catch (Exception e) {
            throw notReached(e, consequence);
        }
        String[] replaced = new String[1];
        save(into -> replaced[0] = into.jars.put(file, sha256), consequence);
        jars.put(file, sha256);
        dropUnnamed(replaced[0]);
    }

    /**
     * An operator deleted the jar on this node: the nodes sharing the state delete it too, and its bytes are
     * dropped once no file name names them. Nothing, if the state is not shared.
     */
    synchronized void jarDeleted(String file) {
        if (shared == null) {
            return;
        }
        String[] removed = new String[1];
        save(into -> removed[0] = into.jars.remove(file), "the jar stays on the other nodes");
        jars.remove(file);
        dropUnnamed(removed[0]);
    }

    /**
     * @param sha256 the SHA-256 of a jar the shared state names
     * @return its bytes
     * @throws OperatorStateNotSavedException if the database cannot be read
     * @throws IllegalStateException          if they are not stored, or not the jar named (a newer upload
     *                                        replaced it meanwhile: the state names the newer one)
     */
    byte[] sharedJar(String sha256) {
        Optional<HostDocuments.Stored> stored;
        try {
            stored = shared.read(JARS + sha256);
        } catch (Exception e) {
            throw notReached(e, "the jar is not written on this node");
        }
        byte[] bytes = Base64.getDecoder().decode(stored.orElseThrow(() -> new IllegalStateException("the jar "
                + sha256 + " is no longer stored in " + shared + "; upload it again on any node")).text());
        if (!sha256(bytes).equals(sha256)) {
            throw new IllegalStateException("the jar stored in " + shared + " as " + sha256 + " is not that jar;"
                    + " upload it again on any node");
        }
        return bytes;
    }

    /** @return the SHA-256 of the bytes, in hex */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Drops the bytes of a jar the shared state no longer names under any file name. */
    private void dropUnnamed(String sha256) {
        if (sha256 == null) {
            return;
        }
        try {
            Optional<HostDocuments.Stored> stored = shared.read(DOCUMENT);
            OperatorState now = new OperatorState(file, shared, json);
            stored.ifPresent(s -> now.read(now.parse(s.text())));
            if (!now.jars.containsValue(sha256)) {
                shared.delete(JARS + sha256);
            }
        } catch (Exception e) {
            LOG.warning("cannot drop the jar " + sha256 + ", which no file name of the shared state names any more,"
                    + " from " + shared + " (" + e.getMessage() + "); it stays there, unused");
        }
    }

    /**
     * Writes the state as it is, before a change is made (for a shared state: reads it, to learn that the
     * database answers): one the host could not keep is refused.
     *
     * @throws OperatorStateNotSavedException if the file cannot be written; nothing was changed
     */
    synchronized void checkSavable() {
        if (shared != null) {
            stored("nothing was changed");
        } else {
            save(into -> { }, "nothing was changed");
        }
    }

    /**
     * Reads a shared state, to learn that the database answers before a change it is to keep is made; nothing
     * for a state file, which a change that keeps nothing there does not need.
     *
     * @throws OperatorStateNotSavedException if the database cannot be read; nothing was changed
     */
    synchronized void checkShared() {
        if (shared != null) {
            stored("nothing was changed");
        }
    }

    /** @return the version of the shared state whose changes this node has taken; 0 if none, or not shared */
    synchronized long followed() {
        return pulled;
    }

    /**
     * @return the version of the shared state as stored now
     * @throws OperatorStateNotSavedException if the database cannot be read
     * @throws IllegalStateException          if the state is not shared
     */
    synchronized long storedVersion() {
        if (shared == null) {
            throw new IllegalStateException("the operator state is not shared");
        }
        try {
            return shared.version(DOCUMENT);
        } catch (Exception e) {
            throw notReached(e, "nothing was read");
        }
    }

    /**
     * What other nodes changed in the shared state since this node last looked: from now on this node's
     * state holds it, and the caller makes its engine follow.
     *
     * @return the changes; none if the state is not shared or nothing changed
     * @throws OperatorStateNotSavedException if the database cannot be read
     */
    synchronized Changes pull() {
        if (shared == null) {
            return Changes.NONE;
        }
        long version;
        try {
            version = shared.version(DOCUMENT);
        } catch (Exception e) {
            throw notReached(e, "this node does not learn of the other nodes' changes until it answers");
        }
        if (version == pulled) {
            return Changes.NONE;
        }
        Optional<HostDocuments.Stored> stored = stored("this node does not learn of the other nodes' changes until"
                + " it answers");
        OperatorState now = new OperatorState(file, shared, json);
        stored.ifPresent(s -> now.read(now.parse(s.text())));
        Changes changes = Changes.between(this, now);
        clear();
        copy(now);
        pulled = stored.map(HostDocuments.Stored::version).orElse(0L);
        return changes;
    }

    /**
     * What changed from one state to another, for an engine to follow.
     *
     * @param unloaded    plugins now held unloaded
     * @param loadedAgain plugins no longer held unloaded
     * @param overrides   per plugin, its new overrides, or empty where they were cleared
     * @param config      per plugin, its new settings, or empty where they were cleared
     * @param jars        per file name, the SHA-256 of the jar now uploaded under it, or empty where it was deleted
     */
    record Changes(Set<String> unloaded, Set<String> loadedAgain, Map<String, Optional<ResourceOverrides>> overrides,
                   Map<String, Optional<Map<String, String>>> config, Map<String, Optional<String>> jars) {

        static final Changes NONE = new Changes(Set.of(), Set.of(), Map.of(), Map.of(), Map.of());

        static Changes between(OperatorState before, OperatorState after) {
            Set<String> unloaded = new TreeSet<>(after.unloaded);
            unloaded.removeAll(before.unloaded);
            Set<String> loadedAgain = new TreeSet<>(before.unloaded);
            loadedAgain.removeAll(after.unloaded);
            return new Changes(unloaded, loadedAgain, changed(before.overrides, after.overrides),
                    changed(before.config, after.config), changed(before.jars, after.jars));
        }

        private static <V> Map<String, Optional<V>> changed(Map<String, V> before, Map<String, V> after) {
            Map<String, Optional<V>> changed = new TreeMap<>();
            after.forEach((plugin, value) -> {
                if (!value.equals(before.get(plugin))) {
                    changed.put(plugin, Optional.of(value));
                }
            });
            before.keySet().forEach(plugin -> {
                if (!after.containsKey(plugin)) {
                    changed.put(plugin, Optional.empty());
                }
            });
            return changed;
        }

        boolean isEmpty() {
            return unloaded.isEmpty() && loadedAgain.isEmpty() && overrides.isEmpty() && config.isEmpty()
                    && jars.isEmpty();
        }
    }

    private void save(Consumer<OperatorState> change) {
        save(change, "the change holds until the server restarts");
    }

    /**
     * Keeps a change made to this state. A file gets the state as it is; the shared document gets the change
     * made on what it holds, so another node's change written meanwhile stays (and reaches this node's
     * state at its next {@link #pull}).
     *
     * @param change      the change, to make on the stored state
     * @param consequence what it means for the change in hand if it cannot be kept
     */
    private void save(Consumer<OperatorState> change, String consequence) {
        if (shared == null) {
            write(consequence);
            return;
        }
        for (int race = 0; race < MAX_RACES; race++) {
            Optional<HostDocuments.Stored> stored = stored(consequence);
            OperatorState next = new OperatorState(file, shared, json);
            stored.ifPresent(s -> next.read(next.parse(s.text())));
            Map<String, Object> before = next.document();
            change.accept(next);
            if (stored.isPresent() && next.document().equals(before)) {
                return; // the stored state holds it already
            }
            try {
                if (shared.write(DOCUMENT, stored.map(HostDocuments.Stored::version).orElse(0L),
                        json.toJson(next.document())) > 0) {
                    return;
                }
            } catch (Exception e) {
                throw notReached(e, consequence);
            }
        }
        throw new OperatorStateNotSavedException("cannot save the operator state to " + shared + ": other nodes"
                + " changed it " + MAX_RACES + " times while this one tried; " + consequence, new IOException("raced"));
    }

    private Optional<HostDocuments.Stored> stored(String consequence) {
        try {
            return shared.read(DOCUMENT);
        } catch (Exception e) {
            throw notReached(e, consequence);
        }
    }

    private OperatorStateNotSavedException notReached(Exception e, String consequence) {
        return new OperatorStateNotSavedException("cannot reach the operator state the nodes share in " + shared
                + " (" + e.getMessage() + "); " + consequence + ". Check pluginhost.shared-state.datasource",
                e instanceof IOException io ? io : new IOException(e));
    }

    private Map<String, Object> document() {
        Map<String, Object> saved = new LinkedHashMap<>();
        saved.put("unloaded", new ArrayList<>(unloaded));
        Map<String, Object> savedOverrides = new TreeMap<>();
        overrides.forEach((plugin, value) -> savedOverrides.put(plugin, overridesJson(value)));
        saved.put("overrides", savedOverrides);
        saved.put("config", new TreeMap<>(config)); // a copy: save compares a document before and after a change
        if (shared != null) {
            saved.put("jars", new TreeMap<>(jars));
        }
        return saved;
    }

    /** Writes the state file. */
    private void write(String consequence) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".writing");
            // Settings may hold a plugin's secrets: only the server's own user reads the file.
            Files.deleteIfExists(temporary);
            if (temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(temporary,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(temporary, json.toJson(document()), StandardCharsets.UTF_8);
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
