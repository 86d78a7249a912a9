package io.pluginhost.runtime;

import io.pluginhost.api.EventBus;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.exception.DependencyNotFoundException;
import io.pluginhost.api.exception.DuplicatePluginException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.api.exception.PluginNotFoundException;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.api.exception.TableAccessDeniedException;
import io.pluginhost.api.exception.UndeclaredDependencyException;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.runtime.internal.DetachedException;
import io.pluginhost.runtime.testing.ExamplePlugins;
import io.pluginhost.runtime.testing.FakeDatabase;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.pluginhost.runtime.testing.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginLifecycleTest {

    @TempDir
    Path dir;

    private final FakeDatabase database = new FakeDatabase();
    private final RecordingListener events = new RecordingListener();
    private ModuleLayerPluginManager manager;

    @BeforeEach
    void start() {
        manager = new ModuleLayerPluginManager(HostServices.NONE.withDatabase(database), Duration.ofSeconds(5));
        manager.addLifecycleListener(events);
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void loadsAnExamplePluginAndExecutesIt() {
        PluginInfo info = manager.load(ExamplePlugins.one());

        assertThat(info.name()).isEqualTo("example-plugin-1");
        assertThat(info.version()).isEqualTo("1.0.0");
        assertThat(info.state()).isEqualTo(PluginState.LOADED);
        assertThat(info.source()).isEqualTo(ExamplePlugins.one());
        assertThat(manager.execute("example-plugin-1", "World")).isEqualTo("Hello, World!");
        assertThat(events.events).containsExactly("loaded example-plugin-1");
    }

    @Test
    void eventsEmittedInInitializeReachHostSubscribers() throws Exception {
        List<Object> ready = Collections.synchronizedList(new ArrayList<>());
        try (AutoCloseable subscription = manager.subscribe("plugin:*", e -> ready.add(e.source() + " " + e.name()))) {
            manager.load(ExamplePlugins.one());
        }

        assertThat(ready).containsExactly("example-plugin-1 plugin:ready");
    }

    @Test
    void aDependentUsesItsDependencyThroughRealTypes() {
        manager.load(ExamplePlugins.one());
        manager.load(ExamplePlugins.two());

        Object result = manager.execute("example-plugin-2", Map.of("numbers", List.of(1, 2, 3.5), "name", "Ada"));

        assertThat(result).isInstanceOf(Map.class);
        Map<?, ?> stats = (Map<?, ?>) result;
        assertThat(stats.get("count")).isEqualTo(3);
        assertThat(stats.get("sum")).isEqualTo(6.5);
        assertThat(stats.get("max")).isEqualTo(3.5);
        assertThat(stats.get("greeting")).isEqualTo("Hello, Ada!");
        assertThat(manager.get("example-plugin-1").dependents()).containsExactly("example-plugin-2");
    }

    @Test
    void aSecondPluginOfTheSameNameIsRefusedAndTheFirstKeepsServing() throws Exception {
        manager.load(ExamplePlugins.one());
        Path copy = Files.copy(ExamplePlugins.one(), dir.resolve("copy.jar"));

        assertThatThrownBy(() -> manager.load(copy))
                .isInstanceOf(DuplicatePluginException.class)
                .hasMessageContaining("'example-plugin-1' is already loaded");
        assertThat(manager.execute("example-plugin-1", "x")).isEqualTo("Hello, x!");
        assertThat(manager.list()).hasSize(1);
    }

    @Test
    void aBrokenJarIsRefusedReportedAndNothingIsRegistered() {
        Path broken = PluginJarBuilder.corruptJar(dir, "broken.jar");

        assertThatThrownBy(() -> manager.load(broken)).isInstanceOf(InvalidPluginException.class);

        assertThat(manager.list()).isEmpty();
        assertThat(events.events).singleElement().asString().startsWith("failed null: ");
    }

    @Test
    void aResourceDeclarationThatCannotMapToALegalNameIsRefusedAtLoadBeforeAnyCodeRuns() {
        Path reserved = PluginJarBuilder.plugin("xn").buckets("data")
                .body("static { System.setProperty(\"xn.ran\", \"yes\"); }").build(dir);
        Path tooLong = PluginJarBuilder.plugin("ledger").tables("t".repeat(60)).build(dir);

        assertThatThrownBy(() -> manager.load(reserved))
                .isInstanceOf(io.pluginhost.api.exception.InvalidNameException.class)
                .hasMessageContaining("bucket 'data' of plugin 'xn'")
                .hasMessageContaining("S3 reserves that prefix");
        assertThatThrownBy(() -> manager.load(tooLong))
                .isInstanceOf(io.pluginhost.api.exception.InvalidNameException.class)
                .hasMessageContaining("63 characters");

        assertThat(System.getProperty("xn.ran")).isNull();
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void aRepositoryThatCannotOpenWithAChainedCauseFailsOnlyThatPluginInADirectory() throws Exception {
        try (ModuleLayerPluginManager failing = new ModuleLayerPluginManager(HostServices.NONE.withDatabase(scope -> {
            if (scope.pluginName().equals("needs-db")) {
                throw new IllegalStateException("no DataSource", new java.sql.SQLException("connection refused"));
            }
            return database.open(scope);
        }), Duration.ofSeconds(5))) {
            Path plugins = Files.createDirectory(dir.resolve("with-db"));
            Path work = Files.createDirectory(dir.resolve("work-db"));
            Files.move(PluginJarBuilder.plugin("needs-db").tables("t").build(work), plugins.resolve("a.jar"));
            Files.move(PluginJarBuilder.plugin("fine").build(work), plugins.resolve("b.jar"));

            DirectoryLoadResult result = failing.loadDirectory(plugins);

            assertThat(result.loaded()).extracting(PluginInfo::name).containsExactly("fine");
            assertThat(result.failed().get(plugins.resolve("a.jar")))
                    .isInstanceOf(PluginLoadException.class)
                    .hasMessageContaining("could not open its DatabaseRepository: no DataSource")
                    .cause().hasMessage("no DataSource").cause().hasMessage("connection refused");
        }
    }

    @Test
    void aPluginThatThrowsInInitializeIsRolledBackAndItsCleanupRuns() {
        Path jar = PluginJarBuilder.plugin("fragile").body("""
                public void initialize(PluginContext context) throws Exception {
                    context.eventBus().on("anything", e -> { });
                    context.eventBus().once("anything:else", e -> { });
                    throw new java.io.IOException("disk on fire");
                }
                public void cleanup() { System.setProperty("fragile.cleaned", "yes"); }
                """).build(dir);

        assertThatThrownBy(() -> manager.load(jar))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("plugin 'fragile' failed in initialize")
                .hasMessageContaining("java.io.IOException: disk on fire")
                .cause().isInstanceOf(DetachedException.class);

        assertThat(System.clearProperty("fragile.cleaned")).isEqualTo("yes");
        assertThat(manager.list()).isEmpty();
        assertThat(manager.hub().ownerCount()).isZero();
        assertThat(manager.publish("anything", null)).isZero();
        assertThat(database.closed).containsExactly("fragile");
        assertThat(events.events).singleElement().asString().startsWith("failed fragile: ");
    }

    @Test
    void aFailedLoadCanBeRetriedWithTheSameName() {
        Path bad = PluginJarBuilder.plugin("retry").body(
                "public void initialize(PluginContext c) { throw new IllegalStateException(\"not yet\"); }").build(dir);
        assertThatThrownBy(() -> manager.load(bad)).isInstanceOf(PluginLoadException.class);

        Path good = PluginJarBuilder.plugin("retry").version("1.0.1")
                .body("public Object execute(Object in) { return \"ok\"; }").build(dir);

        assertThat(manager.load(good).version()).isEqualTo("1.0.1");
        assertThat(manager.execute("retry", null)).isEqualTo("ok");
    }

    @Test
    void aThrowingExecuteIsReportedAsAPluginExecutionErrorAndThePluginKeepsServing() {
        Path jar = PluginJarBuilder.plugin("moody").body("""
                public Object execute(Object in) {
                    if ("fail".equals(in)) throw new IllegalArgumentException("bad input: " + in);
                    return "fine";
                }
                """).build(dir);
        manager.load(jar);

        assertThatThrownBy(() -> manager.execute("moody", "fail"))
                .isInstanceOf(PluginExecutionException.class)
                .hasMessageContaining("java.lang.IllegalArgumentException: bad input: fail")
                .cause().isInstanceOf(DetachedException.class);
        assertThat(manager.execute("moody", "ok")).isEqualTo("fine");
    }

    @Test
    void aPluginWithoutExecuteSaysSo() {
        manager.load(PluginJarBuilder.plugin("quiet").build(dir));

        assertThatThrownBy(() -> manager.execute("quiet", null))
                .isInstanceOf(PluginExecutionException.class)
                .hasMessageContaining("does not implement execute");
    }

    @Test
    void executingAnUnknownPluginIsATypedError() {
        assertThatThrownBy(() -> manager.execute("ghost", null))
                .isInstanceOf(PluginNotFoundException.class).hasMessage("plugin 'ghost' is not loaded");
        assertThatThrownBy(() -> manager.unload("ghost")).isInstanceOf(PluginNotFoundException.class);
        assertThatThrownBy(() -> manager.reload("ghost")).isInstanceOf(PluginNotFoundException.class);
        assertThatThrownBy(() -> manager.get("ghost")).isInstanceOf(PluginNotFoundException.class);
    }

    @Test
    void unloadRunsCleanupAndInvalidatesTheContextAndEverythingReachedThroughIt() {
        manager.load(ExamplePlugins.one());
        Path jar = PluginJarBuilder.plugin("keeper").tables("notes").dependsOn("example-plugin-1").body("""
                public void initialize(PluginContext context) {
                    %s
                    %s
                    %s
                }
                public void cleanup() { System.setProperty("keeper.cleaned", "yes"); }
                """.formatted(Handoff.put("keeper.context", "context"),
                Handoff.put("keeper.bus", "context.eventBus()"),
                Handoff.put("keeper.db", "context.database().orElseThrow()"))).build(dir);
        manager.load(jar);
        PluginContext context = Handoff.take("keeper.context");
        EventBus bus = Handoff.take("keeper.bus");
        DatabaseRepository db = Handoff.take("keeper.db");
        assertThat(db.executeQuery("notes")).containsExactly(Map.of("physical", "keeper_notes"));
        DatabaseRepository keptTransaction = db.inTransaction(tx -> tx);
        assertThatThrownBy(() -> db.executeQuery("users")).isInstanceOf(TableAccessDeniedException.class)
                .hasMessage("plugin 'keeper' has not declared table 'users'; allowed: [notes]");
        assertThatThrownBy(() -> context.getDependency("example-plugin-2"))
                .isInstanceOf(UndeclaredDependencyException.class)
                .hasMessage("plugin 'keeper' does not declare a dependency on 'example-plugin-2'; declared: "
                        + "[example-plugin-1]");

        manager.unload("keeper");

        assertThat(System.clearProperty("keeper.cleaned")).isEqualTo("yes");
        assertThat(database.closed).containsExactly("keeper");
        String unloaded = "plugin 'keeper' has been unloaded; its context can no longer be used";
        assertThatThrownBy(context::eventBus).isInstanceOf(PluginContextInvalidatedException.class).hasMessage(unloaded);
        assertThatThrownBy(() -> context.getDependency("example-plugin-1")).hasMessage(unloaded);
        assertThatThrownBy(context::getDependencies).hasMessage(unloaded);
        assertThatThrownBy(context::database).hasMessage(unloaded);
        assertThatThrownBy(() -> bus.emit("x", null)).hasMessage(unloaded);
        assertThatThrownBy(() -> bus.on("x", e -> { })).hasMessage(unloaded);
        assertThatThrownBy(() -> db.executeQuery("notes")).hasMessage(unloaded);
        assertThatThrownBy(() -> keptTransaction.executeQuery("notes")).hasMessage(unloaded);
        assertThat(events.lifecycle()).containsExactly("loaded example-plugin-1", "loaded keeper", "unloaded keeper");
    }

    @Test
    void aCleanupThatThrowsStillUnloadsAndSaysSo() {
        manager.load(PluginJarBuilder.plugin("sloppy")
                .body("public void cleanup() { throw new IllegalStateException(\"left a mess\"); }").build(dir));

        assertThatThrownBy(() -> manager.unload("sloppy"))
                .isInstanceOf(PluginUnloadException.class)
                .hasMessageContaining("'sloppy' was unloaded, but its cleanup failed")
                .hasMessageContaining("left a mess");
        assertThat(manager.find("sloppy")).isEmpty();
    }

    @Test
    void unloadAllGoesInReverseDependencyOrder() {
        manager.load(ExamplePlugins.one());
        manager.load(ExamplePlugins.two());
        manager.load(ExamplePlugins.repository());

        List<String> unloaded = manager.unloadAll();

        assertThat(unloaded).containsExactly("example-plugin-repository", "example-plugin-2", "example-plugin-1");
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void aDirectoryLoadsInDependencyOrderAndBadJarsAreReportedAndSkipped() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        // Named so that file order is the wrong load order.
        Files.copy(ExamplePlugins.two(), plugins.resolve("a-two.jar"));
        Files.copy(ExamplePlugins.one(), plugins.resolve("b-one.jar"));
        Files.copy(ExamplePlugins.repository(), plugins.resolve("c-repository.jar"));
        PluginJarBuilder.corruptJar(plugins, "d-corrupt.jar");
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.move(PluginJarBuilder.plugin("ping").dependsOn("pong").build(work), plugins.resolve("e-ping.jar"));
        Files.move(PluginJarBuilder.plugin("pong").dependsOn("ping").build(work), plugins.resolve("f-pong.jar"));
        Files.move(PluginJarBuilder.plugin("orphan").dependsOn("nobody").build(work), plugins.resolve("g-orphan.jar"));
        Files.copy(ExamplePlugins.one(), plugins.resolve("h-one-again.jar"), StandardCopyOption.REPLACE_EXISTING);

        DirectoryLoadResult result = manager.loadDirectory(plugins);

        assertThat(result.loaded()).extracting(PluginInfo::name)
                .containsExactly("example-plugin-1", "example-plugin-2", "example-plugin-repository");
        assertThat(result.failed()).containsOnlyKeys(plugins.resolve("d-corrupt.jar"), plugins.resolve("e-ping.jar"),
                plugins.resolve("f-pong.jar"), plugins.resolve("g-orphan.jar"), plugins.resolve("h-one-again.jar"));
        assertThat(result.failed().get(plugins.resolve("e-ping.jar"))).hasMessage("circular dependency: ping -> pong -> ping");
        assertThat(result.failed().get(plugins.resolve("g-orphan.jar")))
                .hasMessageContaining("depends on 'nobody', which is not loaded");
        assertThat(result.failed().get(plugins.resolve("h-one-again.jar"))).isInstanceOf(DuplicatePluginException.class);
        assertThat(manager.list()).extracting(PluginInfo::name)
                .containsExactly("example-plugin-1", "example-plugin-2", "example-plugin-repository");
        assertThat(events.errors).hasSize(5);
    }

    @Test
    void jarsLoadedTogetherLoadInDependencyOrderWhateverOrderTheyAreGivenIn() throws Exception {
        Path leaf = PluginJarBuilder.plugin("leaf").dependsOn("middle").build(Files.createDirectory(dir.resolve("l")));
        Path middle = PluginJarBuilder.plugin("middle").dependsOn("root").build(Files.createDirectory(dir.resolve("m")));
        Path root = PluginJarBuilder.plugin("root").build(Files.createDirectory(dir.resolve("r")));
        Path orphan = PluginJarBuilder.plugin("orphan").dependsOn("nobody").build(Files.createDirectory(dir.resolve("o")));

        DirectoryLoadResult result = manager.loadAll(List.of(leaf, orphan, middle, leaf, root));

        assertThat(result.loaded()).extracting(PluginInfo::name).containsExactly("root", "middle", "leaf");
        assertThat(result.failed()).containsOnlyKeys(orphan);
        assertThat(result.failed().get(orphan)).isInstanceOf(DependencyNotFoundException.class);
        assertThat(events.errors).hasSize(1);

        assertThatThrownBy(() -> manager.loadAll(java.util.Arrays.asList(dir.resolve("missing.jar"), null)))
                .isInstanceOf(NullPointerException.class).hasMessage("a jar to load is null");
        assertThat(manager.loadAll(List.of(dir.resolve("missing.jar"))).failed().get(dir.resolve("missing.jar")))
                .isInstanceOf(InvalidPluginException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aDirectoryLoadLeavesOutTheNamedPluginsAndWhatRequiresThem() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.copy(ExamplePlugins.one(), plugins.resolve("one.jar"));
        Files.copy(ExamplePlugins.two(), plugins.resolve("two.jar"));
        Files.copy(ExamplePlugins.repository(), plugins.resolve("repository.jar"));

        DirectoryLoadResult result = manager.loadDirectory(plugins, java.util.Set.of("example-plugin-1"));

        assertThat(result.loaded()).extracting(PluginInfo::name).containsExactly("example-plugin-repository");
        assertThat(result.failed()).containsOnlyKeys(plugins.resolve("two.jar"));
        assertThat(manager.find("example-plugin-1")).isEmpty();
    }

    @Test
    void theRepositoryExampleSeesTheRepositoryTheHostOffers() {
        PluginInfo info = manager.load(ExamplePlugins.repository());

        assertThat(database.opened).containsExactly("example-plugin-repository");
        assertThat(database.commands).hasSize(2).allMatch(sql -> sql.contains("CREATE TABLE IF NOT EXISTS"));
        assertThat(info.tables()).containsExactly(
                Map.entry("notes", "example-plugin-repository_notes"),
                Map.entry("note_tags", "example-plugin-repository_note_tags"));
        assertThat(info.topics()).containsExactly(Map.entry("note-events", "example-plugin-repository_note-events"));
        assertThat(info.buckets()).containsExactly(Map.entry("archive", "example-plugin-repository--archive"));
    }

    @Test
    void withoutHostServicesTheRepositoriesAreAbsent() {
        try (ModuleLayerPluginManager bare = new ModuleLayerPluginManager()) {
            bare.load(PluginJarBuilder.plugin("probe").body("""
                    private PluginContext context;
                    public void initialize(PluginContext context) { this.context = context; }
                    public Object execute(Object in) {
                        return List.of(context.database().isPresent(), context.kafka().isPresent(), context.s3().isPresent());
                    }
                    """).build(dir));

            assertThat(bare.execute("probe", null)).isEqualTo(List.of(false, false, false));
        }
    }

    /**
     * The engine skips calling {@code initialize} and {@code cleanup} only where the provider's class
     * file proves them the API's no-ops; inherited ones (a base class, a default method of the
     * plugin's own interface) are called.
     */
    @Test
    void inheritedInitializeAndCleanupAreCalled() {
        String base = PluginJarBuilder.moduleOf("inherits");
        manager.load(PluginJarBuilder.plugin("inherits")
                .source(base.replace('.', '/') + "/Base.java", "package " + base + ";\n"
                        + "public abstract class Base implements io.pluginhost.api.Plugin {\n"
                        + "  public void initialize(io.pluginhost.api.PluginContext c) {"
                        + Handoff.put("inherits.initialize", "\"base class\"") + "}\n}\n")
                .source(base.replace('.', '/') + "/TestPlugin.java", "package " + base + ";\n"
                        + "@io.pluginhost.api.PluginMetadata(name = \"inherits\", version = \"1.0.0\")\n"
                        + "public class TestPlugin extends Base { }\n")
                .build(dir));
        String tidy = PluginJarBuilder.moduleOf("defaults");
        manager.load(PluginJarBuilder.plugin("defaults")
                .source(tidy.replace('.', '/') + "/Tidy.java", "package " + tidy + ";\n"
                        + "public interface Tidy extends io.pluginhost.api.Plugin { default void cleanup() {"
                        + Handoff.put("defaults.cleanup", "\"default method\"") + "} }\n")
                .source(tidy.replace('.', '/') + "/TestPlugin.java", "package " + tidy + ";\n"
                        + "@io.pluginhost.api.PluginMetadata(name = \"defaults\", version = \"1.0.0\")\n"
                        + "public class TestPlugin implements Tidy { }\n")
                .build(dir));
        manager.unload("defaults");

        assertThat((String) Handoff.take("inherits.initialize")).isEqualTo("base class");
        assertThat((String) Handoff.take("defaults.cleanup")).isEqualTo("default method");
    }
}
