package io.pluginhost.host;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code GET /jars} says of a jar whose last load failed. */
class FailedLoadsTest {

    @TempDir
    Path dir;

    private final Map<String, PluginInfo> known = new HashMap<>();
    private final FailedLoads failed = new FailedLoads(name -> Optional.ofNullable(known.get(name)));

    private static PluginInfo loaded(String name, Path source) {
        return new PluginInfo(new PluginDescriptor(name, "1.0.0", "", List.of(), List.of(), List.of(), List.of()),
                PluginState.LOADED, source, List.of(), Map.of(), Map.of(), Map.of(), Instant.now(), Optional.empty(),
                List.of(), 0, Optional.empty());
    }

    private FileTime modified(Path jar) throws Exception {
        return Files.getLastModifiedTime(jar);
    }

    @Test
    void aFailedLoadIsKeptForItsJarUntilTheJarLoadsOrIsDeleted() throws Exception {
        Path jar = Files.writeString(dir.resolve("notes.jar"), "v1");

        failed.pluginFailed("notes", jar, new PluginLoadException("no database", null));
        assertThat(failed.of(jar, modified(jar))).contains("no database");

        failed.pluginLoaded(loaded("notes", jar));
        assertThat(failed.of(jar, modified(jar))).isEmpty();

        failed.pluginFailed("notes", jar, new PluginLoadException("no database", null));
        failed.forget(jar);
        assertThat(failed.of(jar, modified(jar))).isEmpty();
    }

    @Test
    void anotherFileUnderTheSameNameIsNotListedWithTheOldOnesFailure() throws Exception {
        Path jar = Files.writeString(dir.resolve("notes.jar"), "v1");
        failed.pluginFailed("notes", jar, new PluginLoadException("broken", null));

        Files.setLastModifiedTime(jar, FileTime.from(modified(jar).toInstant().plusSeconds(5)));

        assertThat(failed.of(jar, modified(jar))).isEmpty();
    }

    /** A failed upgrade reports its failure after the old version is back: the jar's plugin runs. */
    @Test
    void anUpgradeThatFailedAndWasRolledBackLeavesNoFailureOnTheJar() throws Exception {
        Path jar = Files.writeString(dir.resolve("versioned.jar"), "2.0.0");
        known.put("versioned", loaded("versioned", jar));
        failed.pluginLoaded(known.get("versioned")); // 2.0.0 loaded again after 3.0.0 failed

        failed.pluginFailed("versioned", jar, new PluginLoadException("3.0.0 failed, rolled back to 2.0.0", null));
        known.remove("versioned"); // then unloaded by an operator

        assertThat(failed.of(jar, modified(jar))).isEmpty();
    }

    /**
     * A loaded plugin's jar replaced on disk by one that does not load (hot deploy, or a reload over
     * REST): the plugin runs as loaded before, and the listing must say that the file is not what runs.
     */
    @Test
    void aLoadedPluginsJarReplacedByOneThatDoesNotLoadIsListedWithWhy() throws Exception {
        Path jar = Files.writeString(dir.resolve("notes.jar"), "v1");
        known.put("notes", loaded("notes", jar));
        failed.pluginLoaded(known.get("notes"));
        assertThat(failed.ofLoaded(jar, modified(jar))).isEmpty();

        Files.writeString(jar, "garbage");
        Files.setLastModifiedTime(jar, FileTime.from(modified(jar).toInstant().plusSeconds(5)));
        failed.pluginFailed(null, jar, new PluginLoadException("notes.jar is not a readable module jar", null));
        assertThat(failed.ofLoaded(jar, modified(jar))).contains("notes.jar is not a readable module jar");

        Files.writeString(jar, "v2");
        Files.setLastModifiedTime(jar, FileTime.from(modified(jar).toInstant().plusSeconds(5)));
        failed.pluginFailed("notes", jar, new PluginLoadException("needs contacts@^2, which is not loaded", null));
        assertThat(failed.ofLoaded(jar, modified(jar))).contains("needs contacts@^2, which is not loaded");

        failed.pluginLoaded(known.get("notes")); // the jar fixed, and reloaded
        assertThat(failed.ofLoaded(jar, modified(jar))).isEmpty();
    }

    @Test
    void aPluginWhoseJarFailedItsFirstLoadIsKnownByNameWhileTheJarIsUnchanged() throws Exception {
        Path jar = Files.writeString(dir.resolve("notes.jar"), "v1");
        failed.pluginFailed("notes", jar, new PluginLoadException("no database", null));

        assertThat(failed.ofPlugin("notes")).contains(new FailedLoads.JarFailure(jar, "no database"));
        assertThat(failed.ofPlugin("other")).isEmpty();

        Files.setLastModifiedTime(jar, FileTime.from(modified(jar).toInstant().plusSeconds(5)));
        assertThat(failed.ofPlugin("notes")).isEmpty();
    }

    /** What readiness reports besides the engine's list: plugins whose jar failed its first load. */
    @Test
    void pluginsThatFailedTheirFirstLoadAreListedUnlessKnownHeldOrChanged() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.jar"), "v1");
        Path audit = Files.writeString(dir.resolve("audit.jar"), "v1");
        Path billing = Files.writeString(dir.resolve("billing.jar"), "v1");
        Path reloaded = Files.writeString(dir.resolve("crm.jar"), "v1");
        Path unreadable = Files.writeString(dir.resolve("broken.jar"), "not a zip");
        failed.pluginFailed("notes", notes, new PluginLoadException("no database", null));
        failed.pluginFailed("audit", audit, new PluginLoadException("no licence", null));
        failed.pluginFailed("billing", billing, new PluginLoadException("a bug", null));
        failed.pluginFailed("crm", reloaded, new PluginLoadException("its reload failed", null));
        failed.pluginFailed(null, unreadable, new PluginLoadException("not a readable module jar", null));
        Files.setLastModifiedTime(billing, FileTime.from(modified(billing).toInstant().plusSeconds(5)));
        known.put("crm", loaded("crm", reloaded)); // the engine lists it (here as loaded, in life as FAILED)

        assertThat(failed.firstLoadFailures(name -> known.containsKey(name), Set.of("audit")))
                .containsExactly(Map.entry("notes", "no database"));
    }

    @Test
    void aLoadedPluginsListenerThatThrowsIsNoFailedLoad() throws Exception {
        Path jar = Files.writeString(dir.resolve("notes.jar"), "v1");

        failed.pluginFailed("notes", null, new PluginLoadException("a listener threw", null));

        assertThat(failed.of(jar, modified(jar))).isEmpty();
    }
}
