package io.pluginhost.runtime;

import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.api.exception.PluginTimeoutException;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.pluginhost.runtime.testing.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A plugin whose construction, initialize or cleanup never returns cannot hold the lifecycle lock. */
class LifecycleDeadlineTest {

    private static final String RELEASE = "deadline-test.release";
    private final java.util.concurrent.CountDownLatch release = Handoff.latch(RELEASE);

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager(HostServices.NONE,
            EngineLimits.defaults().withDrainTimeout(Duration.ofSeconds(1))
                    .withDeadlines(Duration.ofMillis(300), Duration.ofMillis(300)));

    LifecycleDeadlineTest() {
        manager.addLifecycleListener(events);
    }

    @AfterEach
    void stop() {
        release.countDown(); // lets the stuck plugin threads end
        manager.close();
        Handoff.take(RELEASE);
    }

    /**
     * An initialize that runs code of the plugin's own (a method of its class), so it is handed to the
     * lifecycle worker: what the batching tests count.
     */
    private static final String WORKS = "public void initialize(PluginContext c) { setUp(c); }"
            + " private void setUp(PluginContext c) { }";

    /** Plugin code that ignores interruption and waits until the test lets it go. */
    private static String stuck() {
        return Handoff.awaitLatch(RELEASE);
    }

    @Test
    void anInitializeThatNeverReturnsFailsTheLoadNamingTheStuckThreadAndReleasesTheLock() {
        Path jar = PluginJarBuilder.plugin("stuck-init").body("public void initialize(PluginContext c) {" + stuck()
                + "}").build(dir);

        assertThatThrownBy(() -> manager.load(jar)).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("did not return within 300 ms")
                .cause().isInstanceOf(PluginTimeoutException.class)
                .satisfies(e -> {
                    PluginTimeoutException timeout = (PluginTimeoutException) e;
                    assertThat(timeout.pluginName()).isEqualTo("stuck-init");
                    assertThat(timeout.phase()).isEqualTo("initialize");
                    assertThat(timeout.threadName()).isEqualTo("plugin-initialize-stuck-init");
                });

        // The lifecycle lock is free: other plugins load and unload at once, their initialize on a
        // new lifecycle worker (the stuck one was renamed for what it is stuck in).
        manager.load(PluginJarBuilder.plugin("fine").body("public void initialize(PluginContext c) {"
                + Handoff.put("fine.thread", "Thread.currentThread().getName()") + "}").build(dir));
        assertThat((String) Handoff.take("fine.thread")).isEqualTo("pluginhost-lifecycle");
        manager.unload("fine");
        assertThat(manager.find("stuck-init")).isEmpty();
        assertThat(manager.leakSuspects().get("stuck-init@1.0.0"))
                .anySatisfy(reason -> assertThat(reason).contains("plugin-initialize-stuck-init"));
    }

    /**
     * The provider's constructor, its static initializer and a {@code provider()} method are plugin
     * code too: one that never returns is abandoned at the initialize deadline like initialize.
     */
    @ParameterizedTest
    @ValueSource(strings = {"public TestPlugin() { %s }", "static { %s }",
            "public static TestPlugin provider() { %s return new TestPlugin(); }"})
    void aProviderWhoseConstructionNeverReturnsFailsTheLoadNamingTheStuckThreadAndReleasesTheLock(String member) {
        Path jar = PluginJarBuilder.plugin("stuck-new").body(member.formatted(stuck())).build(dir);

        // Bounded, so that an engine that runs the constructor on the caller's thread fails, not hangs.
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> manager.load(jar))).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("did not return within 300 ms")
                .cause().isInstanceOf(PluginTimeoutException.class)
                .satisfies(e -> {
                    PluginTimeoutException timeout = (PluginTimeoutException) e;
                    assertThat(timeout.pluginName()).isEqualTo("stuck-new");
                    assertThat(timeout.phase()).isEqualTo("constructor");
                    assertThat(timeout.threadName()).isEqualTo("plugin-constructor-stuck-new");
                });

        manager.load(PluginJarBuilder.plugin("fine").body(WORKS).build(dir));
        manager.unload("fine");
        assertThat(manager.find("stuck-new")).isEmpty();
        assertThat(manager.leakSuspects().get("stuck-new@1.0.0"))
                .anySatisfy(reason -> assertThat(reason).contains("plugin-constructor-stuck-new"));
        assertThat(events.lifecycle()).noneMatch(event -> event.contains("stuck-new"));
    }

    /**
     * A constructor that only sets fields to constants and to new JDK collections, atomics and locks
     * runs no plugin code and cannot block: it runs on the caller's thread, with no hand-off.
     */
    @Test
    void anInertConstructorRunsOnTheCallersThread() {
        String inert = """
                private final java.util.Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();
                private final java.util.List<String> seen = new java.util.ArrayList<>(16);
                private final java.util.Map<String, String> small = new java.util.HashMap<>(8, 0.5f);
                private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
                private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock(true);
                private final Object monitor = new Object();
                private final String label = "inert";
                private final long big = 1L << 40;
                private int limit = 42;
                private Object nothing = null;
                """;
        long before = manager.lifecycleHandOffs();
        manager.load(PluginJarBuilder.plugin("inert-new").body(inert).build(dir));
        assertThat(manager.lifecycleHandOffs() - before).isZero();
    }

    /** Any other construction is plugin code, and is handed to the lifecycle worker. */
    @ParameterizedTest
    @ValueSource(strings = {
            "private final String home = System.getProperty(\"user.home\");",
            "private static final Object LOCK = new Object();",
            "private final Runnable task = new Runnable() { public void run() { } };",
            "private final java.util.function.Supplier<String> lazy = () -> \"x\";",
            "private final java.util.List<String> names = java.util.List.of(\"a\");",
            "private final Class<?> type = String.class;",
            "private final java.util.Timer timer = null; public TestPlugin() { int i = 0; while (i < 3) { i++; } }",
            "public TestPlugin() { try { limit(); } catch (RuntimeException e) { } } static void limit() { }",
            "public static TestPlugin provider() { return new TestPlugin(); }"})
    void aConstructionThatRunsPluginCodeIsHandedToTheLifecycleWorker(String body) {
        long before = manager.lifecycleHandOffs();
        manager.load(PluginJarBuilder.plugin("busy-new").body(body).build(dir));
        assertThat(manager.lifecycleHandOffs() - before).isEqualTo(1);
    }

    /**
     * An initialize that only hands the host what it needs (listeners, settings read, dependencies
     * looked up, fields set), in straight-line code that calls nothing but the host's context, bus and
     * settings, runs no plugin code and cannot loop: it runs on the caller's thread, with no hand-off,
     * and the plugin works as if it had been handed off.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "public void initialize(PluginContext c) { }",
            "private PluginContext context; public void initialize(PluginContext c) { this.context = c; }",
            "public void initialize(PluginContext c) { c.eventBus().on(\"probe\", this::heard); }",
            "private long limit; private int extra; private java.time.Duration every; private boolean on;"
                    + " private String word; private Optional<String> raw;"
                    + " private java.util.concurrent.atomic.AtomicLong seen;"
                    + " public void initialize(PluginContext c) { PluginConfig config = c.config();"
                    + " limit = config.getLong(\"limit\", 5L); extra = config.getInt(\"extra\", 1);"
                    + " every = config.getDuration(\"every\", java.time.Duration.ofSeconds(1));"
                    + " on = config.getBoolean(\"on\", true); word = config.get(\"word\", \"x\");"
                    + " raw = config.get(\"raw\"); seen = new java.util.concurrent.atomic.AtomicLong();"
                    + " EventBus bus = c.eventBus(); bus.once(\"never\", e -> { }); bus.off(\"never\", this::heard);"
                    + " bus.on(\"pro\" + limit + word, e -> { }); bus.on(\"probe\", e -> heard(e)); }"})
    void anInitializeThatCallsOnlyTheHostRunsOnTheCallersThread(String initialize) {
        String heard = " private void heard(PluginEvent e) { " + Handoff.put("bounded.heard", "e.name()") + " }";
        long before = manager.lifecycleHandOffs();

        manager.load(PluginJarBuilder.plugin("bounded-init").body(initialize + heard).build(dir));

        assertThat(manager.lifecycleHandOffs() - before).isZero();
        manager.publish("probe", null);
        assertThat((String) Handoff.take("bounded.heard")).isEqualTo(initialize.contains("probe") ? "probe" : null);
        manager.unload("bounded-init");
    }

    /**
     * Any other initialize may run plugin code, its own or another plugin's, or loop: handed to the
     * lifecycle worker, under its deadline. Here each is something a straight-line initialize can do
     * through an object the host did not make: call the plugin's own method, make a plugin object,
     * call a listener, emit (which runs other plugins' listeners), call a host method on a plugin
     * object (a dependency, a field), loop, catch, throw, reach a static field or method, concatenate
     * an object (its {@code toString}).
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "public void initialize(PluginContext c) { setUp(); } private void setUp() { }",
            "public void initialize(PluginContext c) { new Helper(); } static final class Helper { }",
            "public void initialize(PluginContext c) throws Exception {"
                    + " io.pluginhost.api.EventListener l = e -> { }; l.onEvent(null); }",
            "public void initialize(PluginContext c) { c.eventBus().emit(\"probe\", null); }",
            "public void initialize(PluginContext c) { c.getDependency(\"other\", PluginContext.class).eventBus(); }",
            "private PluginContext saved; public void initialize(PluginContext c) { saved = c; saved.eventBus(); }",
            "public void initialize(PluginContext c) { for (int i = 0; i < 3; i++) { c.config(); } }",
            "public void initialize(PluginContext c) { try { c.config(); } catch (RuntimeException e) { } }",
            "public void initialize(PluginContext c) { throw new IllegalStateException(\"no\"); }",
            "public void initialize(PluginContext c) { System.getLogger(\"x\"); }",
            "static final class Holder { static Object value = new Object(); }"
                    + " public void initialize(PluginContext c) { Object o = Holder.value; }",
            "public void initialize(PluginContext c) { c.eventBus().on(\"x\" + c.config(), e -> { }); }",
            "public void initialize(PluginContext c) { c.config().asMap().size(); }"})
    void anInitializeThatMayRunPluginCodeIsHandedToTheLifecycleWorker(String initialize) {
        long before = manager.lifecycleHandOffs();
        try {
            manager.load(PluginJarBuilder.plugin("busy-init").body(initialize).build(dir));
        } catch (PluginLoadException expected) {
            // some of them fail on the worker (no such dependency, a throw): where they ran is the point
        }
        assertThat(manager.lifecycleHandOffs() - before).isEqualTo(1);
    }

    /**
     * A host method is host code only on the host's object: a plugin that implements the settings
     * interface itself and calls it on itself runs its own code, here code that never returns, which
     * the deadline stops.
     */
    @Test
    void aHostMethodCalledOnThePluginsOwnObjectIsPluginCodeUnderTheDeadline() {
        Path jar = PluginJarBuilder.plugin("self-config").source("test/self_config/TestPlugin.java", """
                package test.self_config;

                import io.pluginhost.api.*;
                import java.util.*;

                @PluginMetadata(name = "self-config", version = "1.0.0")
                public class TestPlugin implements Plugin, PluginConfig {
                    public void initialize(PluginContext c) { ((PluginConfig) this).getInt("limit", 1); }
                    public Optional<String> get(String key) { %s return Optional.empty(); }
                    public Set<String> keys() { return Set.of(); }
                    public Map<String, String> asMap() { return Map.of(); }
                }
                """.formatted(stuck())).build(dir);

        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(30), () -> manager.load(jar)))
                .isInstanceOf(PluginLoadException.class).cause().isInstanceOf(PluginTimeoutException.class);
    }

    @Test
    void aCleanupThatNeverReturnsStillCompletesTheUnload() {
        manager.load(PluginJarBuilder.plugin("stuck-cleanup").body("public void cleanup() {" + stuck() + "}")
                .build(dir));

        assertThatThrownBy(() -> manager.unload("stuck-cleanup")).isInstanceOf(PluginUnloadException.class)
                .hasMessageContaining("was unloaded").hasMessageContaining("did not return within 300 ms");

        assertThat(manager.find("stuck-cleanup")).isEmpty();
        manager.load(PluginJarBuilder.plugin("stuck-cleanup").build(dir)); // the name is free again
        assertThat(manager.leakSuspects().get("stuck-cleanup@1.0.0"))
                .anySatisfy(reason -> assertThat(reason).contains("plugin-cleanup-stuck-cleanup"));
    }

    @Test
    void withDeadlinesSwitchedOffInitializeAndCleanupRunOnTheCallersThreadWithThePluginsLoader() {
        String body = "public void initialize(PluginContext c) {" + Handoff.put("inline.init",
                "Thread.currentThread().getName() + \" \" + (Thread.currentThread().getContextClassLoader()"
                        + " == getClass().getClassLoader())") + "}"
                + "public void cleanup() {" + Handoff.put("inline.cleanup", "Thread.currentThread().getName()") + "}";
        Thread.currentThread().setName("inline-caller");
        try (ModuleLayerPluginManager inline = new ModuleLayerPluginManager(HostServices.NONE,
                EngineLimits.defaults().withoutLifecycleDeadlines())) {
            inline.load(PluginJarBuilder.plugin("inline").body(body).build(dir));
            inline.unload("inline");
        }
        assertThat((String) Handoff.take("inline.init")).isEqualTo("inline-caller true");
        assertThat((String) Handoff.take("inline.cleanup")).isEqualTo("inline-caller");
    }

    /**
     * A directory's independent plugins are initialized in one batch on the lifecycle worker; a
     * plugin whose initialize throws or hangs is rolled back before the next one's initialize runs,
     * so a later plugin's event reaches none of their listeners, and the rest of the batch loads.
     */
    @Test
    void inADirectoryAnInitializeThatThrowsOrHangsIsRolledBackBeforeTheNextPluginsInitializeRuns()
            throws Exception {
        Path plugins = java.nio.file.Files.createDirectory(dir.resolve("plugins"));
        Path work = java.nio.file.Files.createDirectory(dir.resolve("work"));
        String listen = "c.eventBus().on(\"probe\", e -> %s);";
        String[][] made = {
                {"1.jar", "a-first", listen.formatted(Handoff.put("batch.a", "\"heard\"").replace(";", ""))},
                {"2.jar", "b-throws", listen.formatted(Handoff.put("batch.b", "\"heard\"").replace(";", ""))
                        + " throw new IllegalStateException(\"b gives up\");"},
                {"3.jar", "c-stuck", listen.formatted(Handoff.put("batch.c", "\"heard\"").replace(";", ""))
                        + stuck()},
                {"4.jar", "d-emits", "c.eventBus().emit(\"probe\", null);"},
                {"5.jar", "e-fine", Handoff.put("batch.e", "Thread.currentThread().getName()")}};
        for (String[] plugin : made) {
            java.nio.file.Files.move(PluginJarBuilder.plugin(plugin[1])
                    .body("public void initialize(PluginContext c) {" + plugin[2] + "}").build(work),
                    plugins.resolve(plugin[0]));
        }

        DirectoryLoadResult result = manager.loadDirectory(plugins);

        assertThat(result.loaded()).extracting(PluginInfo::name).containsExactly("a-first", "d-emits", "e-fine");
        assertThat(result.failed().get(plugins.resolve("2.jar"))).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("plugin 'b-throws' failed in initialize")
                .hasMessageContaining("b gives up");
        assertThat(result.failed().get(plugins.resolve("3.jar"))).isInstanceOf(PluginLoadException.class)
                .cause().isInstanceOf(PluginTimeoutException.class)
                .satisfies(e -> assertThat(((PluginTimeoutException) e).threadName())
                        .isEqualTo("plugin-initialize-c-stuck"));
        assertThat((String) Handoff.take("batch.a")).isEqualTo("heard");
        assertThat((String) Handoff.take("batch.b")).isNull(); // rolled back before d emitted
        assertThat((String) Handoff.take("batch.c")).isNull();
        assertThat((String) Handoff.take("batch.e")).isEqualTo("pluginhost-lifecycle"); // a new worker
        assertThat(manager.list()).extracting(PluginInfo::name).containsExactly("a-first", "d-emits", "e-fine");
        assertThat(manager.hub().ownerCount()).isEqualTo(1); // a-first's listener only
        assertThat(manager.unloadAll()).containsExactlyInAnyOrder("a-first", "d-emits", "e-fine");
    }

    /**
     * Each hand-off to the lifecycle worker wakes a parked thread (3 to 80 µs on a 2-core VM, see
     * {@code HandOffBenchmark}): a directory of plugins that need no other plugin takes one for all
     * their initialize calls. A plugin that needs one of the batch waits for the batch to finish.
     */
    @Test
    void aDirectoryOfIndependentPluginsIsInitializedOnOneHandOff() throws Exception {
        Path plugins = java.nio.file.Files.createDirectory(dir.resolve("plugins"));
        Path work = java.nio.file.Files.createDirectory(dir.resolve("work"));
        for (int i = 0; i < 6; i++) {
            java.nio.file.Files.move(PluginJarBuilder.plugin("independent-" + i)
                    .body(WORKS).build(work), plugins.resolve(i + ".jar"));
        }

        assertThat(manager.loadDirectory(plugins).loaded()).hasSize(6);
        assertThat(manager.lifecycleHandOffs()).isEqualTo(1);

        java.nio.file.Files.move(PluginJarBuilder.plugin("dependent").dependsOn("independent-0")
                .body(WORKS).build(work), plugins.resolve("7.jar"));
        manager.unloadAll();
        long before = manager.lifecycleHandOffs();
        assertThat(manager.loadDirectory(plugins).loaded()).hasSize(7);
        assertThat(manager.lifecycleHandOffs() - before).isEqualTo(2); // six together, then the dependent
    }

    /**
     * A plugin joins the batch as soon as every plugin it needs is loaded: a directory of a shared
     * plugin and its dependents takes two hand-offs, not one per dependent.
     */
    @Test
    void pluginsWhoseDependenciesAreLoadedAreInitializedTogether() throws Exception {
        Path plugins = sharedPluginAndFiveDependents();
        java.nio.file.Files.move(PluginJarBuilder.plugin("other").body(WORKS)
                .build(java.nio.file.Files.createDirectory(dir.resolve("other"))), plugins.resolve("6.jar"));

        assertThat(manager.loadDirectory(plugins).loaded()).extracting(PluginInfo::name)
                .containsExactly("base", "user-1", "user-2", "user-3", "user-4", "user-5", "other");
        assertThat(manager.lifecycleHandOffs()).isEqualTo(2); // base, then the rest together
    }

    /** A reload loads the plugin's dependents again in batches too; a dependent that fails is listed FAILED. */
    @Test
    void aReloadLoadsTheDependentsAgainInOneBatch() throws Exception {
        Path plugins = sharedPluginAndFiveDependents();
        assertThat(manager.loadDirectory(plugins).loaded()).hasSize(6);
        java.nio.file.Files.move(PluginJarBuilder.plugin("user-3").dependsOn("base")
                .body("public void initialize(PluginContext c) { throw new IllegalStateException(\"no\"); }")
                .build(java.nio.file.Files.createDirectory(dir.resolve("broken"))), plugins.resolve("3.jar"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING); // user-3 cannot come back
        long before = manager.lifecycleHandOffs();

        assertThatThrownBy(() -> manager.reload("base")).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("user-3");

        // base; then its dependents together up to user-3, which is rolled back; then the rest (6 one by one)
        assertThat(manager.lifecycleHandOffs() - before).isEqualTo(3);
        assertThat(manager.list()).extracting(PluginInfo::name, PluginInfo::state).containsExactly(
                org.assertj.core.api.Assertions.tuple("base", PluginState.LOADED),
                org.assertj.core.api.Assertions.tuple("user-1", PluginState.LOADED),
                org.assertj.core.api.Assertions.tuple("user-2", PluginState.LOADED),
                org.assertj.core.api.Assertions.tuple("user-4", PluginState.LOADED),
                org.assertj.core.api.Assertions.tuple("user-5", PluginState.LOADED),
                org.assertj.core.api.Assertions.tuple("user-3", PluginState.FAILED));
    }

    /** @return a plugin directory: base (0.jar) and user-1 to user-5 (1.jar to 5.jar), which require it */
    private Path sharedPluginAndFiveDependents() throws java.io.IOException {
        Path plugins = java.nio.file.Files.createDirectory(dir.resolve("plugins"));
        Path work = java.nio.file.Files.createDirectory(dir.resolve("work"));
        java.nio.file.Files.move(PluginJarBuilder.plugin("base").body(WORKS).build(work),
                plugins.resolve("0.jar"));
        for (int i = 1; i <= 5; i++) {
            java.nio.file.Files.move(PluginJarBuilder.plugin("user-" + i).dependsOn("base").body(WORKS)
                    .build(work), plugins.resolve(i + ".jar"));
        }
        return plugins;
    }

    /**
     * Batching must not change what validation sees: a module that requires, even as
     * {@code requires static}, the module of a plugin it does not declare is refused when that plugin
     * comes before it in the same directory, as it is when they load one by one.
     */
    @Test
    void aBatchedPluginIsValidatedAgainstThePluginsBeforeIt() throws Exception {
        Path plugins = java.nio.file.Files.createDirectory(dir.resolve("plugins"));
        Path work = java.nio.file.Files.createDirectory(dir.resolve("work"));
        Path shared = PluginJarBuilder.plugin("shared").build(java.nio.file.Files.createDirectory(dir.resolve("s")));
        java.nio.file.Files.copy(shared, plugins.resolve("0.jar"));
        java.nio.file.Files.move(PluginJarBuilder.plugin("sneaky")
                .requiresModule("static " + PluginJarBuilder.moduleOf("shared"), shared).build(work),
                plugins.resolve("1.jar"));

        DirectoryLoadResult result = manager.loadDirectory(plugins);

        assertThat(result.loaded()).extracting(PluginInfo::name).containsExactly("shared");
        assertThat(result.failed().get(plugins.resolve("1.jar")))
                .hasMessageContaining("the module of plugin 'shared', which 'sneaky' does not declare");
    }

    /**
     * A fatal error (here one a plugin throws itself) ends a directory load as it ends a single load:
     * the plugins before it in the batch are loaded, it and the ones after it are not, and none is
     * left half loaded.
     */
    @Test
    void aFatalErrorInABatchLeavesThePluginsBeforeItLoadedAndNoneHalfLoaded() throws Exception {
        Path plugins = java.nio.file.Files.createDirectory(dir.resolve("plugins"));
        Path work = java.nio.file.Files.createDirectory(dir.resolve("work"));
        String[][] made = {
                {"1.jar", "a-before", "c.eventBus().on(\"x\", e -> { });"},
                {"2.jar", "b-fatal", "c.eventBus().on(\"x\", e -> { }); throw new OutOfMemoryError(\"pretend\");"},
                {"3.jar", "c-after", "c.eventBus().on(\"x\", e -> { });"}};
        for (String[] plugin : made) {
            java.nio.file.Files.move(PluginJarBuilder.plugin(plugin[1])
                    .body("public void initialize(PluginContext c) {" + plugin[2] + "}").build(work),
                    plugins.resolve(plugin[0]));
        }

        assertThatThrownBy(() -> manager.loadDirectory(plugins)).isInstanceOf(OutOfMemoryError.class)
                .hasMessage("pretend");

        assertThat(manager.list()).extracting(PluginInfo::name).containsExactly("a-before");
        assertThat(manager.hub().ownerCount()).isEqualTo(1);
        assertThat(manager.load(plugins.resolve("3.jar")).name()).isEqualTo("c-after"); // nothing of it was left
        assertThat(manager.unloadAll()).containsExactlyInAnyOrder("a-before", "c-after");
        assertThat(manager.hub().ownerCount()).isZero();
    }
}
