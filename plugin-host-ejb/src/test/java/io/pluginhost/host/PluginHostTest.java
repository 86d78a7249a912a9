package io.pluginhost.host;

import io.pluginhost.observability.HostHealth;
import io.pluginhost.observability.MicrometerExport;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginLifecycleListener;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.PluginState;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host outside a container: where something it needs fails (a setting it cannot use, found after
 * plugins have loaded; a state file it cannot write), and what its state keeps across a restart. The
 * container's services are small fakes; the engine, the plugins and the files are real.
 */
class PluginHostTest {

    private static final String CLEANED = "pluginhost.test.start-failure.cleaned";

    @TempDir
    Path dir;

    /** Every thread the host asked the container for. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    @AfterEach
    void clear() {
        System.clearProperty(CLEANED);
    }

    @Test
    void aStartThatFailsAfterPluginsLoadedUnloadsThemAndEndsEveryThreadItStarted() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJarBuilder.plugin("started").body("public void cleanup() { System.setProperty(\"" + CLEANED
                + "\", \"yes\"); }").build(plugins);
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false",
                "pluginhost.hot-deploy.enabled", "true",
                "pluginhost.hot-deploy.quiet-ms", "0"));

        assertThatThrownBy(host::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quiet period 0 ms");

        assertThat(System.getProperty(CLEANED)).as("the loaded plugin's cleanup ran").isEqualTo("yes");
        assertThat(threads).as("the host started threads before it failed (the relay, the retries' timer)")
                .isNotEmpty();
        for (Thread thread : threads) {
            thread.join(10_000);
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
        assertThat(host.plugins()).as("no engine is left").isNull();
    }

    /**
     * Where the operator state cannot be written (a read-only volume, a path through a file), a change
     * over REST is refused before it is made: otherwise the plugin is unloaded, or its settings changed,
     * and the caller gets an error for it, and the next restart undoes it.
     */
    @Test
    void aChangeTheHostCannotSaveIsRefusedWithNothingChanged() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJarBuilder.plugin("kept").build(plugins);
        PluginHost host = startedWithUnwritableStateFile(plugins);
        try {
            List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> changes = List.of(
                    () -> host.unload("kept", false, false),
                    () -> host.setConfig("kept", Map.of("greeting", "Hi")),
                    () -> host.clearConfig("kept"),
                    () -> host.setOverrides("kept", io.pluginhost.runtime.resource.ResourceOverrides.builder()
                            .allowedTables(List.of("notes")).build()),
                    () -> host.clearOverrides("kept"));
            for (var change : changes) {
                assertThatThrownBy(change).isInstanceOf(OperatorStateNotSavedException.class)
                        .hasMessageContaining("cannot save the operator state to state.json")
                        .hasMessageContaining("nothing was changed");
            }
            assertThat(host.plugins().find("kept")).hasValueSatisfying(
                    plugin -> assertThat(plugin.state()).isEqualTo(io.pluginhost.runtime.PluginState.LOADED));
            assertThat(host.plugins().getConfig("kept")).isEmpty();
            assertThat(host.plugins().getOverrides("kept")).isEmpty();
        } finally {
            host.stop();
        }
    }

    /**
     * An upgrade and a delete of a jar keep no operator state (unless it is shared): a state file that cannot
     * be written does not refuse them.
     */
    @Test
    void anUpgradeAndAJarDeleteGoOnWhereTheStateFileCannotBeWritten() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJarBuilder.plugin("kept").build(plugins);
        Path other = PluginJarBuilder.plugin("other").build(Files.createDirectories(dir.resolve("other")));
        Files.copy(other, plugins.resolve("other.jar"));
        PluginHost host = startedWithUnwritableStateFile(plugins);
        try {
            host.plugins().unload("other");
            assertThat(host.deleteJar("other.jar")).isTrue();
            upload(host, "kept.jar", PluginJarBuilder.plugin("kept").version("2.0.0")
                    .build(Files.createDirectories(dir.resolve("kept-2"))));
            assertThat(host.plugins().find("kept").orElseThrow().descriptor().version()).isEqualTo("2.0.0");
        } finally {
            host.stop();
        }
    }

    /**
     * An operator unloaded a plugin over REST, then copied a new jar of it into the directory, which hot
     * deploy loaded: the plugin runs, so the unload no longer holds, and a restart must not drop it.
     */
    @Test
    void aPluginHotDeployLoadsAgainIsNoLongerHeldUnloadedAtTheNextStart() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path build = Files.createDirectories(dir.resolve("build"));
        Files.move(PluginJarBuilder.plugin("held").build(build), plugins.resolve("held.jar"));
        Map<String, String> settings = hotDeploy(plugins);
        PluginHost host = host(settings);
        host.start();
        try {
            host.unload("held", false, false);
            BlockingQueue<String> events = lifecycle(host);
            Files.move(PluginJarBuilder.plugin("held").version("1.1.0").build(build), plugins.resolve("held.jar"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(events.poll(10, TimeUnit.SECONDS)).as("hot deploy loaded it").isEqualTo("loaded held");
        } finally {
            host.stop();
        }

        PluginHost restarted = host(settings);
        restarted.start();
        try {
            assertThat(restarted.plugins().find("held")).as("loaded at the next start").isPresent();
        } finally {
            restarted.stop();
        }
    }

    /**
     * A jar that waits for its dependency (copied in first, or left behind when its dependency's jar was
     * removed) is held unloaded by an operator's unload: the watcher must not load it when the dependency comes.
     */
    @Test
    void aWaitingJarAnOperatorUnloadedIsNotLoadedWhenItsDependencyComes() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path build = Files.createDirectories(dir.resolve("build"));
        PluginHost host = host(hotDeploy(plugins));
        host.start();
        try {
            BlockingQueue<String> events = lifecycle(host);
            Files.move(PluginJarBuilder.plugin("leaf").dependsOn("base").build(build), plugins.resolve("leaf.jar"));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("failed leaf");
            host.unload("leaf", false, false); // held: its load failed, and the operator wants it out

            Files.move(PluginJarBuilder.plugin("base").build(build), plugins.resolve("base.jar"));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("loaded base");
            // A jar copied in after base settles after base's retries: by its load, they are done.
            Files.move(PluginJarBuilder.plugin("marker").build(build), plugins.resolve("marker.jar"));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("loaded marker");

            assertThat(host.plugins().find("leaf")).as("still held unloaded").isEmpty();
        } finally {
            host.stop();
        }
    }

    /**
     * A payload is copied as JSON before the host passes it on (CDI, the event stream, other nodes): one of
     * 70 MB ran a 512 MB server out of heap. Over the limit, local plugins still receive it; the host does not.
     */
    @Test
    void anEventWhosePayloadIsOverTheLimitIsNotPassedOnAndTheHostKeepsGoing() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJarBuilder.plugin("emitter").body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    context.eventBus().emit("big:x", "x".repeat(200));
                    context.eventBus().emit("small:x", java.util.Map.of("ok", true));
                    return null;
                }
                """).build(plugins);
        BlockingQueue<PluginBusEvent> fired = new LinkedBlockingQueue<>();
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false",
                "pluginhost.events.max-payload-chars", "100"));
        host.busEvents = recording(fired);
        host.start();
        try {
            host.plugins().execute("emitter", null);

            PluginBusEvent first = fired.poll(10, TimeUnit.SECONDS);
            assertThat(first).as("the small event, after the big one was left out").isNotNull();
            assertThat(first.name()).isEqualTo("small:x");
            assertThat(first.data()).isEqualTo(Map.of("ok", true));
        } finally {
            host.stop();
        }
        assertThatThrownBy(() -> host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false", "pluginhost.events.max-payload-chars", "0")).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pluginhost.events.max-payload-chars must be at least 1");
    }

    /**
     * {@code DELETE /jars/x.jar} while {@code POST /plugins {"jar": "x.jar"}} is still in the plugin's
     * {@code initialize}: the plugin was not yet listed, so the jar was deleted (204), and a second later
     * the plugin ran from a jar that no longer existed, gone at the next start. The delete waits for the
     * load, then is refused as for any loaded plugin.
     */
    @Test
    void aJarIsNotDeletedWhileAPluginLoadsFromIt() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false"));
        host.start();
        java.util.concurrent.CountDownLatch entered = Handoff.latch("delete.entered");
        java.util.concurrent.CountDownLatch release = Handoff.latch("delete.release");
        try {
            Path build = Files.createDirectories(dir.resolve("build"));
            Files.move(PluginJarBuilder.plugin("slow").body("public void initialize(PluginContext context) { "
                    + Handoff.countDown("delete.entered") + " " + Handoff.awaitLatch("delete.release") + " }")
                    .build(build), plugins.resolve("slow.jar"));
            java.util.concurrent.CompletableFuture<PluginInfo> loading = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> host.loadFromDirectory("slow.jar"));
            assertThat(entered.await(30, TimeUnit.SECONDS)).as("slow is in initialize").isTrue();

            java.util.concurrent.CompletableFuture<Object> deleting = new java.util.concurrent.CompletableFuture<>();
            Thread deleter = new Thread(() -> {
                try {
                    deleting.complete(host.deleteJar("slow.jar"));
                } catch (Throwable e) {
                    deleting.complete(e);
                }
            });
            deleter.start();
            while (!deleting.isDone() && deleter.getState() != Thread.State.WAITING) {
                Thread.onSpinWait(); // the delete answered, or waits for the load
            }
            release.countDown();

            assertThat(loading.get(30, TimeUnit.SECONDS).state()).isEqualTo(io.pluginhost.runtime.PluginState.LOADED);
            assertThat(deleting.get(30, TimeUnit.SECONDS)).as("the delete's outcome")
                    .isInstanceOfSatisfying(IllegalStateException.class, e -> assertThat(e.getMessage())
                            .isEqualTo("plugin 'slow' is loaded from slow.jar; unload it first"));
            assertThat(plugins.resolve("slow.jar")).exists();
        } finally {
            release.countDown();
            Handoff.take("delete.entered");
            Handoff.take("delete.release");
            host.stop();
        }
    }

    /**
     * An operator unloaded a plugin, then uploaded a new jar of it that fails to load: the old jar comes
     * back, and the operator's unload must hold with it, at the next start too.
     */
    @Test
    void anUploadThatFailsToLoadKeepsAnOperatorsUnload() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path build = Files.createDirectories(dir.resolve("build"));
        Files.move(PluginJarBuilder.plugin("held").build(build), plugins.resolve("held.jar"));
        Map<String, String> settings = Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false");
        PluginHost host = host(settings);
        host.start();
        try {
            host.unload("held", false, false);
            Path failing = PluginJarBuilder.plugin("held").version("2.0.0")
                    .body("public void initialize(PluginContext context) { throw new IllegalStateException(\"no\"); }")
                    .build(build);
            try (var body = Files.newInputStream(failing)) {
                assertThatThrownBy(() -> host.putJar("held.jar", body, 1 << 20))
                        .isInstanceOf(io.pluginhost.api.exception.PluginException.class);
            }
            assertThat(host.plugins().find("held")).isEmpty();
        } finally {
            host.stop();
        }

        PluginHost restarted = host(settings);
        restarted.start();
        try {
            assertThat(restarted.plugins().find("held")).as("still held unloaded at the next start").isEmpty();
        } finally {
            restarted.stop();
        }
    }

    /**
     * {@code PUT /jars/kept.jar} with a jar of another plugin overwrote the jar a loaded plugin runs from:
     * the upload loaded, the plugin of {@code kept.jar} ran on from a file that no longer held it, could
     * not be reloaded, and was gone at the next start. (An upgrade of a third plugin to that file name was
     * already refused, by the engine: "another file of that name is in the way"; now the same way.)
     */
    @Test
    void aJarOfAnotherPluginDoesNotTakeTheFileALoadedPluginRunsFrom() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path build = Files.createDirectories(dir.resolve("build"));
        Files.move(PluginJarBuilder.plugin("kept").build(build), plugins.resolve("kept.jar"));
        Files.move(PluginJarBuilder.plugin("other").build(build), plugins.resolve("other.jar"));
        byte[] kept = Files.readAllBytes(plugins.resolve("kept.jar"));
        Map<String, String> settings = Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false");
        PluginHost host = host(settings);
        host.start();
        try {
            Path newcomer = PluginJarBuilder.plugin("newcomer").build(build);
            Path otherUpgrade = PluginJarBuilder.plugin("other").version("2.0.0").build(build);
            for (Path upload : List.of(newcomer, otherUpgrade)) {
                try (var body = Files.newInputStream(upload)) {
                    assertThatThrownBy(() -> host.putJar("kept.jar", body, 1 << 20)).as(upload.toString())
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("kept.jar holds the loaded plugin 'kept'");
                }
            }
            assertThat(Files.readAllBytes(plugins.resolve("kept.jar"))).isEqualTo(kept);
            assertThat(host.plugins().find("newcomer")).isEmpty();
            assertThat(host.plugins().find("other").orElseThrow().descriptor().version()).isEqualTo("1.0.0");
            assertThat(plugins.resolve("other.jar")).exists();
            host.plugins().reload("kept");
        } finally {
            host.stop();
        }
        PluginHost restarted = host(settings);
        restarted.start();
        try {
            assertThat(restarted.plugins().find("kept")).isPresent();
            assertThat(restarted.plugins().find("other")).isPresent();
        } finally {
            restarted.stop();
        }
    }

    /**
     * A jar of another plugin put in place of one whose plugin failed its reload: the failed entry stayed,
     * listed from a file that no longer held it, and kept readiness down until an operator unloaded a
     * plugin that no jar had any more. It is forgotten, as a delete of the jar forgets it.
     */
    @Test
    void aJarPutInPlaceOfAFailedPluginsJarForgetsThatPlugin() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path build = Files.createDirectories(dir.resolve("build"));
        Files.move(PluginJarBuilder.plugin("flaky").body("""
                public void initialize(PluginContext context) {
                    if (System.getProperty("plugin-host-test.flaky") != null) {
                        throw new IllegalStateException("no");
                    }
                }
                """).build(build), plugins.resolve("slot.jar"));
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false"));
        host.start();
        System.setProperty("plugin-host-test.flaky", "yes");
        try {
            assertThatThrownBy(() -> host.plugins().reload("flaky")).isInstanceOf(PluginException.class);
            assertThat(host.plugins().find("flaky").orElseThrow().state()).isEqualTo(PluginState.FAILED);
            try (var body = Files.newInputStream(PluginJarBuilder.plugin("fixed").build(build))) {
                host.putJar("slot.jar", body, 1 << 20);
            }
            assertThat(host.plugins().find("fixed").orElseThrow().state()).isEqualTo(PluginState.LOADED);
            assertThat(host.plugins().find("flaky")).isEmpty();
        } finally {
            System.clearProperty("plugin-host-test.flaky");
            host.stop();
        }
    }

    /**
     * One entry of the plugin directory that cannot be read (a link whose target went, as a deployment
     * tool leaves one) failed the whole listing: {@code GET /jars} answered 500 for every jar.
     */
    @Test
    void theJarListingShowsAnEntryItCannotReadAsInvalidAndListsTheRest() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJarBuilder.plugin("listed").build(plugins);
        Files.createSymbolicLink(plugins.resolve("gone.jar"), dir.resolve("nowhere.jar"));
        Files.createDirectories(plugins.resolve("folder.jar"));
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false"));
        host.start();
        try {
            List<PluginHost.JarFile> jars = host.listJars();

            assertThat(jars).extracting(PluginHost.JarFile::file, PluginHost.JarFile::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("folder.jar", "INVALID"),
                    org.assertj.core.groups.Tuple.tuple("gone.jar", "INVALID"),
                    org.assertj.core.groups.Tuple.tuple("listed-1.0.0.jar", "LOADED"));
            assertThat(jars.get(1).problem()).isEqualTo("it cannot be read: a link to a file that does not exist");
            assertThat(jars.get(0).problem()).doesNotContain(plugins.toString());
            assertThat(jars).as("no shared state").noneMatch(PluginHost.JarFile::shared);
        } finally {
            host.stop();
        }
    }

    /**
     * A loaded plugin's jar deleted outside the host (a clean-up script, an operator's {@code rm}, with hot
     * deploy off): the plugin ran on, {@code GET /jars} no longer listed it, and nothing said that it
     * would not come back at the next start.
     */
    @Test
    void aLoadedPluginWhoseJarWasDeletedOutsideTheHostIsListedWithWhatThatMeans() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = PluginJarBuilder.plugin("orphan").build(plugins);
        PluginJarBuilder.plugin("kept").build(plugins);
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false"));
        host.start();
        try {
            Files.delete(jar);

            List<PluginHost.JarFile> jars = host.listJars();

            assertThat(jars).extracting(PluginHost.JarFile::file, PluginHost.JarFile::plugin,
                    PluginHost.JarFile::state).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("kept-1.0.0.jar", "kept@1.0.0", "LOADED"),
                    org.assertj.core.groups.Tuple.tuple("orphan-1.0.0.jar", "orphan@1.0.0", "LOADED"));
            PluginHost.JarFile orphan = jars.get(1);
            assertThat(orphan.size()).isZero();
            assertThat(orphan.modified()).isNull();
            assertThat(orphan.problem()).isEqualTo("the file is gone (deleted outside the host): the plugin runs as"
                    + " loaded, but a reload fails and it will not load at the next start; upload the jar again"
                    + " (PUT /api/jars/orphan-1.0.0.jar), or unload the plugin");
        } finally {
            host.stop();
        }
    }

    /**
     * A failed plugin whose jar was deleted outside the host: {@code DELETE /jars} of that file forgot the
     * plugin, as it should, and answered 404 "the plugin directory has no ..." all the same.
     */
    @Test
    void deletingTheGoneJarOfAFailedPluginForgetsItAndSaysItDid() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = PluginJarBuilder.plugin("fails-then-goes").body("""
                public void initialize(PluginContext context) {
                    if (System.getProperty("plugin-host-test.fails") != null) {
                        throw new IllegalStateException("no");
                    }
                }
                """).build(plugins);
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false"));
        host.start();
        System.setProperty("plugin-host-test.fails", "yes");
        try {
            assertThatThrownBy(() -> host.plugins().reload("fails-then-goes")).isInstanceOf(PluginException.class);
            assertThat(host.plugins().find("fails-then-goes").orElseThrow().state()).isEqualTo(PluginState.FAILED);
            Files.delete(jar);
            assertThat(host.listJars()).extracting(PluginHost.JarFile::state).containsExactly("FAILED");

            assertThat(host.deleteJar(jar.getFileName().toString())).as("something was deleted").isTrue();

            assertThat(host.plugins().find("fails-then-goes")).isEmpty();
            assertThat(host.listJars()).isEmpty();
            assertThat(host.deleteJar(jar.getFileName().toString())).as("nothing left to delete").isFalse();
        } finally {
            System.clearProperty("plugin-host-test.fails");
            host.stop();
        }
    }

    /**
     * Two nodes share their operator state through one database: an operator's unload, load, settings and
     * overrides on either node reach the other's engine, two changes made on the two nodes at once both hold
     * on both, and a node started later begins with all of it.
     */
    @Test
    void nodesSharingTheirOperatorStateFollowEachOthersChanges() throws Exception {
        javax.sql.DataSource database = sharedDatabase();
        Path build = Files.createDirectories(dir.resolve("build"));
        Path greeter = PluginJarBuilder.plugin("greeter").body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) { return context.config().get("greeting", "none"); }
                """).build(build);
        PluginHost a = sharingNode("a", database, greeter);
        PluginHost b = sharingNode("b", database, greeter);
        try {
            BlockingQueue<String> atB = lifecycle(b, true);
            a.unload("greeter", false, false);
            b.followSharedState();
            assertThat(atB.poll(10, TimeUnit.SECONDS)).isEqualTo("unloaded greeter");

            a.loadFromDirectory(greeter.getFileName().toString());
            b.followSharedState();
            assertThat(atB.poll(10, TimeUnit.SECONDS)).isEqualTo("loaded greeter");

            a.setConfig("greeter", Map.of("greeting", "hello"));
            b.followSharedState();
            assertThat(atB.poll(10, TimeUnit.SECONDS)).as("reloaded with the settings").isEqualTo("unloaded greeter");
            assertThat(atB.poll(10, TimeUnit.SECONDS)).isEqualTo("loaded greeter");
            assertThat(b.plugins().execute("greeter", null)).isEqualTo("hello");
            b.followSharedState();
            a.followSharedState();
            assertThat(atB).as("nothing new").isEmpty();

            // Made on the two nodes, each before it learned of the other's: a's is made on what b stored.
            BlockingQueue<String> atA = lifecycle(a, true);
            io.pluginhost.runtime.resource.ResourceOverrides tables = io.pluginhost.runtime.resource.ResourceOverrides
                    .builder().tableNameMap(Map.of("notes", "shared_notes")).build();
            b.setOverrides("greeter", tables);
            a.setConfig("greeter", Map.of("greeting", "hi"));
            a.followSharedState();
            b.followSharedState();
            for (BlockingQueue<String> events : List.of(atA, atB)) {
                for (int reloads = 0; reloads < 2; reloads++) {
                    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("unloaded greeter");
                    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("loaded greeter");
                }
            }
            for (PluginHost node : List.of(a, b)) {
                assertThat(node.plugins().execute("greeter", null)).isEqualTo("hi");
                assertThat(node.plugins().getOverrides("greeter")).contains(tables);
            }
        } finally {
            a.stop();
            b.stop();
        }

        PluginHost later = sharingNode("later", database, greeter);
        try {
            assertThat(later.plugins().execute("greeter", null)).isEqualTo("hi");
            assertThat(later.plugins().getOverrides("greeter")).isPresent();
        } finally {
            later.stop();
        }
    }

    /**
     * Another node unloaded a plugin and changed a setting of its dependency: following the setting first
     * reloaded the dependency with its dependents, and the dependent's load there lifted the unload for every
     * node, which loaded it again at the next look.
     */
    @Test
    void anUnloadFromAnotherNodeHoldsWhenItsDependencyIsReloadedWithIt() throws Exception {
        javax.sql.DataSource database = sharedDatabase();
        Path build = Files.createDirectories(dir.resolve("build"));
        Path greeter = PluginJarBuilder.plugin("greeter").build(build);
        Path fan = PluginJarBuilder.plugin("fan").dependsOn("greeter").build(build);
        PluginHost a = sharingNode("a", database, greeter, fan);
        PluginHost b = sharingNode("b", database, greeter, fan);
        try {
            a.setConfig("greeter", Map.of("greeting", "hello"));
            a.unload("fan", false, false);

            b.followSharedState();
            b.followSharedState();
            a.followSharedState();

            for (PluginHost node : List.of(a, b)) {
                assertThat(node.plugins().find("fan")).as("fan is held unloaded").isEmpty();
                assertThat(node.plugins().getConfig("greeter")).contains(Map.of("greeting", "hello"));
            }
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * Each node sharing the state reports what it runs and which version of the state it followed; one that
     * stops takes its report back. A node that does not share its state lists itself alone.
     */
    @Test
    void eachNodeSharingTheStateReportsWhatItRunsAndTheVersionItFollowed() throws Exception {
        javax.sql.DataSource database = sharedDatabase();
        Path greeter = PluginJarBuilder.plugin("greeter").build(Files.createDirectories(dir.resolve("build")));
        PluginHost a = sharingNode("a", database, greeter);
        PluginHost b = sharingNode("b", database, greeter);
        try {
            b.unload("greeter", false, false);
            a.followSharedState();
            b.followSharedState();

            Map<String, Object> cluster = a.cluster();
            assertThat(cluster).containsEntry("node", "a").containsEntry("shared", true)
                    .containsEntry("stateVersion", 1L);
            assertThat(cluster.get("nodes")).asList().extracting(node -> node.toString()
                            .replaceAll(", reportedAt=[^,}]+", ""))
                    .containsExactly("{node=a, stateVersion=1, plugins=[], silent=false}",
                            "{node=b, stateVersion=1, plugins=[], silent=false}");
        } finally {
            b.stop();
        }
        try {
            assertThat(a.cluster().get("nodes").toString()).contains("node=a").doesNotContain("node=b");
        } finally {
            a.stop();
        }

        Path plugins = Files.createDirectories(dir.resolve("alone"));
        Files.copy(greeter, plugins.resolve(greeter.getFileName()));
        PluginHost alone = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false", "pluginhost.node-id", "alone"));
        alone.start();
        try {
            assertThat(alone.cluster()).containsEntry("shared", false);
            assertThat(alone.cluster().get("nodes").toString()).contains("node=alone", "name=greeter",
                    "state=LOADED", "silent=false");
        } finally {
            alone.stop();
        }
    }

    /**
     * An operator loads a plugin on a node that had not yet followed another node's unload of it: the load is
     * the later change, and holds on both, rather than being undone at the node's next look.
     */
    @Test
    void aLoadOverRestWinsOverAnUnloadItsNodeHadNotYetFollowed() throws Exception {
        javax.sql.DataSource database = sharedDatabase();
        Path greeter = PluginJarBuilder.plugin("greeter").build(Files.createDirectories(dir.resolve("build")));
        PluginHost a = sharingNode("a", database, greeter);
        PluginHost b = sharingNode("b", database, greeter);
        try {
            b.unload("greeter", false, false);
            a.plugins().unload("greeter"); // not loaded on a, for a reason of its own (not an operator's)
            a.loadFromDirectory(greeter.getFileName().toString());

            a.followSharedState();
            b.followSharedState();

            for (PluginHost node : List.of(a, b)) {
                assertThat(node.plugins().find("greeter")).as("loaded").isPresent();
            }
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * A jar uploaded over REST on one node reaches the others through the shared state: each writes it into
     * its own plugin directory and loads it, upgrades it when a new version is uploaded (under the same file
     * name, or another, whose old file then goes everywhere, its dependents staying), deletes it when an
     * operator deleted it, and a node that starts later with an empty directory begins with it. Only the
     * jars the state names stay in the database.
     */
    @Test
    void aJarUploadedOnOneNodeReachesEveryNodeWithItsUpgradesAndItsDelete() throws Exception {
        javax.sql.DataSource database = sharedDatabase();
        io.pluginhost.resource.database.HostDocuments documents = documents(database);
        Path[] versions = new Path[3];
        for (int i = 0; i < 3; i++) {
            versions[i] = PluginJarBuilder.plugin("shared").version((i + 1) + ".0.0")
                    .body("public Object execute(Object in) { return \"version " + (i + 1) + "\"; }")
                    .build(Files.createDirectories(dir.resolve("build-" + i)));
        }
        Path fan = PluginJarBuilder.plugin("fan").dependsOn("shared").build(dir.resolve("build-0"));
        PluginHost a = sharingNode("a", database);
        PluginHost b = sharingNode("b", database);
        try {
            upload(a, "shared.jar", versions[0]);
            upload(a, "fan.jar", fan);
            b.followSharedState();
            assertThat(b.plugins().execute("shared", null)).isEqualTo("version 1");
            assertThat(b.plugins().find("fan")).isPresent();
            assertThat(dir.resolve("b").resolve("shared.jar")).hasSameBinaryContentAs(versions[0]);
            assertThat(b.listJars()).extracting(PluginHost.JarFile::file, PluginHost.JarFile::shared)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("fan.jar", true),
                            org.assertj.core.groups.Tuple.tuple("shared.jar", true));

            upload(a, "shared.jar", versions[1]);
            b.followSharedState();
            assertThat(b.plugins().execute("shared", null)).as("upgraded").isEqualTo("version 2");
            assertThat(dir.resolve("b").resolve("shared.jar")).hasSameBinaryContentAs(versions[1]);

            upload(a, "shared-3.jar", versions[2]); // an upgrade that deletes shared.jar
            b.followSharedState();
            assertThat(b.plugins().execute("shared", null)).as("upgraded").isEqualTo("version 3");
            assertThat(b.plugins().find("fan")).as("reloaded with it, not unloaded with the old file").isPresent();
            assertThat(dir.resolve("b").resolve("shared.jar")).doesNotExist();
            assertThat(documents.list(OperatorState.JARS).keySet())
                    .as("the jars the state names, not those they replaced").hasSize(2);

            PluginHost later = sharingNode("later", database);
            try {
                assertThat(later.plugins().execute("shared", null)).isEqualTo("version 3");
                assertThat(later.plugins().find("fan")).isPresent();
                assertThat(dir.resolve("later").resolve("shared.jar")).doesNotExist();
            } finally {
                later.stop();
            }

            a.unload("fan", false, false);
            assertThat(a.deleteJar("fan.jar")).isTrue();
            b.followSharedState();
            assertThat(b.plugins().find("fan")).isEmpty();
            assertThat(dir.resolve("b").resolve("fan.jar")).doesNotExist();
            assertThat(b.plugins().find("shared")).isPresent();
            assertThat(documents.list(OperatorState.JARS).keySet()).hasSize(1);
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * A jar uploaded and then unloaded on another node before this one looked: this node writes the jar but
     * does not load it, as a load here would lift the unload for every node; a later load on any node loads
     * it here from that jar.
     */
    @Test
    void aJarUploadedAndUnloadedBeforeANodeLooksIsWrittenThereButNotLoaded() throws Exception {
        javax.sql.DataSource database = sharedDatabase();
        Path jar = PluginJarBuilder.plugin("shared").build(Files.createDirectories(dir.resolve("build")));
        PluginHost a = sharingNode("a", database);
        PluginHost b = sharingNode("b", database);
        try {
            upload(a, "shared.jar", jar);
            a.unload("shared", false, false);

            b.followSharedState();
            assertThat(dir.resolve("b").resolve("shared.jar")).hasSameBinaryContentAs(jar);
            assertThat(b.plugins().find("shared")).isEmpty();
            a.followSharedState();
            assertThat(a.plugins().find("shared")).as("still unloaded on a").isEmpty();

            a.loadFromDirectory("shared.jar");
            b.followSharedState();
            assertThat(b.plugins().find("shared")).isPresent();
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * The shared state is a service the node needs, as the plugins' databases are: a node that cannot read it
     * cannot follow what operators change on the others, so {@code pluginhost-services} names it, and is down
     * while it does not answer (as the last look found it).
     */
    @Test
    void theReadinessOfServicesNamesTheSharedStateAndWhyItDidNotAnswerAtTheLastLook() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        PluginHost a = sharingNode("a", flaky(sharedDatabase(), down));
        try {
            assertThat(a.serviceProblems()).containsEntry("shared state: java:test/Shared", null);

            down.set(true);
            a.followSharedState();
            assertThat(a.serviceProblems().get("shared state: java:test/Shared")).contains("the database is down");

            down.set(false);
            a.followSharedState();
            assertThat(a.serviceProblems()).containsEntry("shared state: java:test/Shared", null);
        } finally {
            a.stop();
        }
    }

    /**
     * An upload, an upgrade or a jar delete while the shared state cannot be reached is refused with nothing
     * changed: the jar would run on this node alone, or stay on the others.
     */
    @Test
    void anUploadOrAJarDeleteWhileTheSharedStateIsUnreachableChangesNothing() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        Path jar = PluginJarBuilder.plugin("shared").build(Files.createDirectories(dir.resolve("build")));
        PluginHost a = sharingNode("a", flaky(sharedDatabase(), down));
        try {
            down.set(true);
            assertThatThrownBy(() -> upload(a, "shared.jar", jar)).isInstanceOf(OperatorStateNotSavedException.class)
                    .hasMessageContaining("nothing was changed");
            assertThat(a.plugins().find("shared")).isEmpty();
            try (var left = Files.list(dir.resolve("a"))) {
                assertThat(left.filter(file -> file.getFileName().toString().contains("shared"))).isEmpty();
            }

            down.set(false);
            upload(a, "shared.jar", jar);
            down.set(true);
            Path two = PluginJarBuilder.plugin("shared").version("2.0.0")
                    .build(Files.createDirectories(dir.resolve("build-2")));
            assertThatThrownBy(() -> upload(a, "shared.jar", two)).as("an upgrade")
                    .isInstanceOf(OperatorStateNotSavedException.class).hasMessageContaining("nothing was changed");
            assertThat(a.plugins().find("shared").orElseThrow().descriptor().version()).isEqualTo("1.0.0");
            assertThat(dir.resolve("a").resolve("shared.jar")).hasSameBinaryContentAs(jar);

            down.set(false);
            a.unload("shared", false, false);
            down.set(true);
            assertThatThrownBy(() -> a.deleteJar("shared.jar")).isInstanceOf(OperatorStateNotSavedException.class)
                    .hasMessageContaining("nothing was changed");
            assertThat(dir.resolve("a").resolve("shared.jar")).exists();
        } finally {
            down.set(false);
            a.stop();
        }
    }

    /**
     * A shared state edited by hand to name a jar outside the plugin directory: no node writes it there, and
     * the node goes on following.
     */
    @Test
    void aSharedJarWhoseNameLeavesThePluginDirectoryIsNotWritten() throws Exception {
        javax.sql.DataSource database = sharedDatabase();
        io.pluginhost.resource.database.HostDocuments documents = documents(database);
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("escape").build(
                Files.createDirectories(dir.resolve("build"))));
        String sha256 = OperatorState.sha256(jar);
        PluginHost b = sharingNode("b", database);
        try {
            documents.put(OperatorState.JARS + sha256, java.util.Base64.getEncoder().encodeToString(jar));
            long version = documents.version(OperatorState.DOCUMENT);
            assertThat(documents.write(OperatorState.DOCUMENT, version, "{\"unloaded\": [], \"overrides\": {},"
                    + " \"config\": {\"greeter\": {\"greeting\": \"hi\"}}, \"jars\": {\"../escape.jar\": \"" + sha256
                    + "\"}}")).isPositive();

            b.followSharedState();
            b.followSharedState();
            assertThat(dir.resolve("escape.jar")).doesNotExist();
            assertThat(b.plugins().find("escape")).isEmpty();
            assertThat(b.plugins().getConfig("greeter")).as("the rest followed").contains(Map.of("greeting", "hi"));
        } finally {
            b.stop();
        }
    }

    /**
     * A node that cannot fetch a jar another node uploaded (here the database holds other bytes under its
     * name, as a hand edit leaves it) writes and loads nothing, and tries again at each look: once the jar is
     * uploaded again, it writes and loads it, though the shared state did not change.
     */
    @Test
    void aSharedJarThatCannotBeFetchedIsTriedAgainAtEachLook() throws Exception {
        javax.sql.DataSource database = sharedDatabase();
        io.pluginhost.resource.database.HostDocuments documents = documents(database);
        Path one = PluginJarBuilder.plugin("shared").body("public Object execute(Object in) { return \"one\"; }")
                .build(Files.createDirectories(dir.resolve("build-1")));
        Path other = PluginJarBuilder.plugin("other").build(Files.createDirectories(dir.resolve("build-2")));
        PluginHost a = sharingNode("a", database);
        PluginHost b = sharingNode("b", database);
        try {
            upload(a, "shared.jar", one);
            String sha256 = OperatorState.sha256(Files.readAllBytes(one));
            documents.put(OperatorState.JARS + sha256,
                    java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(other)));

            b.followSharedState();
            assertThat(b.plugins().find("shared")).isEmpty();
            assertThat(b.plugins().find("other")).isEmpty();
            assertThat(dir.resolve("b").resolve("shared.jar")).doesNotExist();

            long version = documents.version(OperatorState.DOCUMENT);
            upload(a, "shared.jar", one);
            assertThat(documents.version(OperatorState.DOCUMENT)).as("the state as it was").isEqualTo(version);
            b.followSharedState();
            assertThat(b.plugins().execute("shared", null)).isEqualTo("one");
        } finally {
            a.stop();
            b.stop();
        }
    }

    /**
     * A node that follows the shared state but cannot write its report (here its id is too long for the
     * table): it still follows, and says so once, not at every look.
     */
    @Test
    void aReportThatCannotBeWrittenIsLoggedOnceAndTheStateIsStillFollowed() throws Exception {
        javax.sql.DataSource database = sharedDatabase();
        Path greeter = PluginJarBuilder.plugin("greeter").build(Files.createDirectories(dir.resolve("build")));
        PluginHost a = sharingNode("a", "a".repeat(400), database, greeter);
        PluginHost b = sharingNode("b", database, greeter);
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger(PluginHost.class.getName()).addHandler(handler);
        try {
            b.setConfig("greeter", Map.of("greeting", "hello"));
            for (int look = 0; look < 3; look++) {
                a.followSharedState();
            }

            assertThat(a.plugins().getConfig("greeter")).contains(Map.of("greeting", "hello"));
            assertThat(logged).filteredOn(line -> line.contains("report")).singleElement().asString()
                    .startsWith("WARNING cannot write this node's report");
            assertThat(logged).noneMatch(line -> line.contains("answers again"));
        } finally {
            java.util.logging.Logger.getLogger(PluginHost.class.getName()).removeHandler(handler);
            a.stop();
            b.stop();
        }
    }

    /** @return a database of its own for nodes to share their state in */
    private static javax.sql.DataSource sharedDatabase() {
        org.h2.jdbcx.JdbcDataSource database = new org.h2.jdbcx.JdbcDataSource();
        database.setURL("jdbc:h2:mem:shared-state-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return database;
    }

    /** The documents the nodes sharing the database keep there, as a node reads them. */
    private static io.pluginhost.resource.database.HostDocuments documents(javax.sql.DataSource database) {
        return new io.pluginhost.resource.database.HostDocuments(() -> database, java.time.Duration.ofSeconds(10));
    }

    /** Uploads the jar to the node, as {@code PUT /api/jars/{file}} does. */
    private static void upload(PluginHost node, String file, Path jar) throws Exception {
        try (java.io.InputStream body = Files.newInputStream(jar)) {
            node.putJar(file, body, 1 << 20);
        }
    }

    /** A started host of the plugin directory whose state file cannot be written (its directory is a file). */
    private PluginHost startedWithUnwritableStateFile(Path plugins) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "");
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false",
                "pluginhost.state-file", notADirectory.resolve("state.json").toString()));
        host.start();
        return host;
    }

    /** A started node whose plugin directory holds the jars, sharing its operator state in the database. */
    private PluginHost sharingNode(String name, javax.sql.DataSource database, Path... jars) throws Exception {
        return sharingNode(name, name, database, jars);
    }

    /** The same, with a node id of its own. */
    private PluginHost sharingNode(String name, String nodeId, javax.sql.DataSource database, Path... jars)
            throws Exception {
        Path plugins = Files.createDirectories(dir.resolve(name));
        for (Path jar : jars) {
            Files.copy(jar, plugins.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false",
                "pluginhost.shared-state.datasource", "java:test/Shared", "pluginhost.node-id", nodeId,
                "pluginhost.shared-state.poll", "PT1H")); // the test has it follow the others when it asks
        host.sharedDocuments = jndiName -> documents(database);
        host.start();
        return host;
    }

    /** @return {@code database}, whose connections fail while {@code down} */
    private javax.sql.DataSource flaky(javax.sql.DataSource database, java.util.concurrent.atomic.AtomicBoolean down) {
        return (javax.sql.DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (down.get() && method.getName().equals("getConnection")) {
                        throw new java.sql.SQLException("the database is down");
                    }
                    try {
                        return method.invoke(database, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Settings of a host that watches {@code plugins} and acts on a jar 100 ms after it settled. */
    private static Map<String, String> hotDeploy(Path plugins) {
        return Map.of("pluginhost.plugin-dir", plugins.toString(), "pluginhost.database.enabled", "false",
                "pluginhost.hot-deploy.enabled", "true", "pluginhost.hot-deploy.quiet-ms", "100");
    }

    /** The host's loads and failures from now on, as "loaded name" and "failed name". */
    private static BlockingQueue<String> lifecycle(PluginHost host) {
        return lifecycle(host, false);
    }

    /** The same, and with {@code unloads} its unloads too, as "unloaded name". */
    private static BlockingQueue<String> lifecycle(PluginHost host, boolean unloads) {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        host.plugins().addLifecycleListener(new PluginLifecycleListener() {
            @Override
            public void pluginLoaded(PluginInfo plugin) {
                events.add("loaded " + plugin.name());
            }

            @Override
            public void pluginFailed(String name, Path source, io.pluginhost.api.exception.PluginException e) {
                events.add("failed " + name);
            }

            @Override
            public void pluginUnloaded(io.pluginhost.api.PluginDescriptor plugin) {
                if (unloads) {
                    events.add("unloaded " + plugin.name());
                }
            }
        });
        return events;
    }

    private PluginHost host(Map<String, String> settings) {
        PluginHost host = new PluginHost();
        host.config = TestConfig.of(Map.of(), settings);
        host.lifecycle = fake(Event.class);
        host.busEvents = fake(Event.class);
        host.health = new HostHealth();
        host.meters = new MicrometerExport();
        host.threads = (ManagedThreadFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ManagedThreadFactory.class}, (proxy, method, args) -> {
                    if (method.getName().equals("newThread") && args[0] instanceof Runnable task) {
                        Thread thread = new Thread(task);
                        threads.add(thread);
                        return thread;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return host;
    }

    @SuppressWarnings("unchecked")
    private static Event<PluginBusEvent> recording(java.util.Collection<PluginBusEvent> fired) {
        return (Event<PluginBusEvent>) Proxy.newProxyInstance(PluginHostTest.class.getClassLoader(),
                new Class<?>[] {Event.class}, (proxy, method, args) -> {
                    if (method.getName().equals("fire")) {
                        fired.add((PluginBusEvent) args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<?> type) {
        return (T) Proxy.newProxyInstance(PluginHostTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getName().equals("fire")) {
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
