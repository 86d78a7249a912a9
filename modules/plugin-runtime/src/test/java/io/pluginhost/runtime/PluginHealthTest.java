package io.pluginhost.runtime;

import io.pluginhost.api.PluginHealth;
import io.pluginhost.api.exception.PluginNotFoundException;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A plugin's own word on whether it can do its work, as the host's readiness asks for it. */
class PluginHealthTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager(HostServices.NONE,
            EngineLimits.defaults());

    @AfterEach
    void stop() {
        manager.close();
    }

    /** A plugin that is up until an execute tells it its trouble, and up again when told {@code null}. */
    static Path moody(Path dir) {
        return PluginJarBuilder.plugin("moody").body("""
                private volatile String trouble;
                public Object execute(Object in) { trouble = (String) in; return null; }
                public PluginHealth health() {
                    return trouble == null ? PluginHealth.up() : PluginHealth.down(trouble);
                }
                """).build(dir);
    }

    @Test
    void aPluginThatSaysNothingOfItsHealthIsNotAsked() {
        manager.load(PluginJarBuilder.plugin("quiet").build(dir));

        assertThat(manager.health(LONG)).isEmpty();
    }

    @Test
    void aPluginSaysWhetherItCanDoItsWorkAndWhyNot() {
        manager.load(PluginJarBuilder.plugin("quiet").build(dir));
        manager.load(moody(dir));

        assertThat(manager.health(LONG)).containsExactly(Map.entry("moody", PluginHealth.up()));
        manager.execute("moody", "the rates service does not answer");
        assertThat(manager.health(LONG)).containsExactly(
                Map.entry("moody", PluginHealth.down("the rates service does not answer")));
        manager.execute("moody", null);
        assertThat(manager.health(LONG).get("moody")).isEqualTo(PluginHealth.up());
    }

    @Test
    void onePluginIsAskedByNameAndOneThatIsNotLoadedIsNotFound() {
        manager.load(PluginJarBuilder.plugin("quiet").build(dir));
        manager.load(PluginJarBuilder.plugin("sinking").body("""
                public PluginHealth health() { return PluginHealth.down("the disk is full"); }
                """).build(dir));

        assertThat(manager.health("quiet", LONG)).as("no check of its own: up, the API's default")
                .isEqualTo(PluginHealth.up());
        assertThat(manager.health("sinking", LONG)).isEqualTo(PluginHealth.down("the disk is full"));
        assertThatThrownBy(() -> manager.health("nobody", LONG)).isInstanceOf(PluginNotFoundException.class)
                .hasMessage("plugin 'nobody' is not loaded");
        assertThatThrownBy(() -> manager.health("sinking", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void whatAPluginLastSaidIsKeptWithSinceWhenAndEachTurnIsToldOnce() {
        List<PluginInfo> told = new CopyOnWriteArrayList<>();
        manager.addLifecycleListener(new PluginLifecycleListener() {
            @Override
            public void pluginHealthChanged(PluginInfo plugin) {
                told.add(plugin);
            }
        });
        manager.load(PluginJarBuilder.plugin("quiet").build(dir));
        manager.load(moody(dir));
        assertThat(manager.get("moody").health()).as("not asked yet").isEmpty();

        Instant before = Instant.now();
        manager.health(LONG);
        KnownHealth up = manager.get("moody").health().orElseThrow();
        assertThat(up.said()).isEqualTo(PluginHealth.up());
        assertThat(up.since()).isBetween(before, Instant.now());
        assertThat(manager.get("quiet").health()).as("no check of its own, nothing said").isEmpty();
        assertThat(told).as("up at first is no news").isEmpty();

        manager.execute("moody", "the rates service does not answer");
        manager.health("moody", LONG);
        manager.health(LONG);
        KnownHealth down = manager.get("moody").health().orElseThrow();
        assertThat(down.said()).isEqualTo(PluginHealth.down("the rates service does not answer"));
        assertThat(down.since()).isAfterOrEqualTo(up.since());
        assertThat(told).as("told once, whoever asked").singleElement()
                .satisfies(plugin -> assertThat(plugin.health()).contains(down));

        manager.execute("moody", "the rates service is slow");
        manager.health(LONG);
        assertThat(manager.list()).filteredOn(plugin -> plugin.name().equals("moody")).singleElement()
                .satisfies(plugin -> assertThat(plugin.health()).as("its latest reason, down since it first said so")
                        .contains(new KnownHealth(PluginHealth.down("the rates service is slow"), down.since())));
        assertThat(told).as("still down: no news").hasSize(1);

        manager.execute("moody", null);
        manager.health("moody", LONG);
        assertThat(told).hasSize(2);
        assertThat(told.get(1).health().orElseThrow().said()).isEqualTo(PluginHealth.up());
        assertThat(told.get(1).health().orElseThrow().since()).isAfterOrEqualTo(down.since());

        manager.reload("moody");
        assertThat(manager.get("moody").health()).as("a new instance has said nothing yet").isEmpty();
    }

    @Test
    void aPluginDownTheFirstTimeItIsAskedIsTold() {
        List<String> told = new CopyOnWriteArrayList<>();
        manager.addLifecycleListener(new PluginLifecycleListener() {
            @Override
            public void pluginHealthChanged(PluginInfo plugin) {
                told.add(plugin.name() + ": " + plugin.health().orElseThrow().said().reason());
            }
        });
        manager.load(PluginJarBuilder.plugin("sinking").body("""
                public PluginHealth health() { return PluginHealth.down("the disk is full"); }
                """).build(dir));

        manager.health(LONG);
        manager.health(LONG);

        assertThat(told).containsExactly("sinking: the disk is full");
    }

    @Test
    void aCheckThatThrowsOrAnswersNothingIsDownSayingSoAndALongReasonIsCut() {
        manager.load(PluginJarBuilder.plugin("throwing").body("""
                public PluginHealth health() { throw new IllegalStateException("no upstream"); }
                """).build(dir));
        manager.load(PluginJarBuilder.plugin("silent").body("""
                public PluginHealth health() { return null; }
                """).build(dir));
        manager.load(PluginJarBuilder.plugin("wordless").body("""
                public PluginHealth health() { return PluginHealth.down(" "); }
                """).build(dir));
        manager.load(PluginJarBuilder.plugin("recursive").body("""
                public PluginHealth health() { return health(); }
                """).build(dir));
        manager.load(PluginJarBuilder.plugin("verbose").body("""
                public PluginHealth health() { return PluginHealth.down("why ".repeat(1_000)); }
                """).build(dir));

        var health = manager.health(LONG);

        assertThat(health.get("throwing")).isEqualTo(PluginHealth.down(
                "its health check failed: java.lang.IllegalStateException: no upstream"));
        assertThat(health.get("silent")).isEqualTo(PluginHealth.down("its health check answered null"));
        assertThat(health.get("wordless").reason()).startsWith("its health check failed: "
                + "java.lang.IllegalArgumentException: a plugin that is down says why");
        assertThat(health.get("recursive").reason()).startsWith("its health check failed: "
                + "java.lang.StackOverflowError");
        assertThat(health.get("verbose").reason()).hasSize(1_003).startsWith("why why ").endsWith("...");
    }

    @Test
    void aCheckThatDoesNotAnswerIsDownAndNotAskedAgainUntilItHas() {
        CountDownLatch release = Handoff.latch("stuck.release");
        manager.load(PluginJarBuilder.plugin("stuck").body("""
                private final java.util.concurrent.atomic.AtomicInteger asked =
                        new java.util.concurrent.atomic.AtomicInteger();
                public void initialize(PluginContext context) { %s }
                public PluginHealth health() {
                    asked.incrementAndGet();
                    %s
                    return PluginHealth.up();
                }
                """.formatted(Handoff.put("stuck.asked", "asked"), Handoff.awaitLatch("stuck.release")))
                .build(dir));
        AtomicInteger asked = Handoff.take("stuck.asked");

        try {
            assertThat(manager.health(Duration.ofMillis(50)).get("stuck")).isEqualTo(
                    PluginHealth.down("its health check has not answered within 50 ms"));
            assertThat(manager.health(Duration.ofMillis(50)).get("stuck").reason())
                    .isEqualTo("its health check has not answered within 50 ms");
            assertThat(asked).as("asked once while its check runs").hasValue(1);
            assertThat(manager.get("stuck").health().orElseThrow().said())
                    .isEqualTo(PluginHealth.down("its health check has not answered within 50 ms"));
        } finally {
            release.countDown();
        }
        assertThat(manager.health(LONG).get("stuck")).isEqualTo(PluginHealth.up());

        manager.unload("stuck");
        System.getProperties().remove("stuck.release");
        assertThat(Gc.collectsAll(manager::unloadedButNotCollected)).as("nothing of the check keeps the plugin")
                .isTrue();
    }

    /**
     * Once an unload has closed the plugin's gate (it waits for a call in flight), a check has nothing to say: the
     * plugin is left out, not reported down, so an unload takes no node out of the load balancer.
     */
    @Test
    void aPluginBeingUnloadedIsLeftOutNotReportedDown() throws Exception {
        CountDownLatch entered = Handoff.latch("draining.entered");
        CountDownLatch release = Handoff.latch("draining.release");
        manager.load(PluginJarBuilder.plugin("draining").body("""
                public Object execute(Object in) {
                    if ("hold".equals(in)) {
                        %s
                        %s
                    }
                    return "served";
                }
                public PluginHealth health() { return PluginHealth.down("it would say it is down"); }
                """.formatted(Handoff.countDown("draining.entered"), Handoff.awaitLatch("draining.release")))
                .build(dir));
        List<PluginInfo> told = new CopyOnWriteArrayList<>();
        manager.addLifecycleListener(new PluginLifecycleListener() {
            @Override
            public void pluginHealthChanged(PluginInfo plugin) {
                told.add(plugin);
            }
        });
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<Object> held = callers.submit(() -> manager.execute("draining", "hold"));
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            Future<List<String>> unloading = callers.submit(() -> manager.unload("draining", false, false));
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // a bound, so a broken unload fails
            while (gateIsOpen("draining")) { // the unload closes it, then waits for the held call
                assertThat(System.nanoTime() - giveUp).as("the unload closed the gate").isNegative();
                Thread.onSpinWait();
            }

            assertThat(manager.health(LONG)).doesNotContainKey("draining");
            assertThatThrownBy(() -> manager.health("draining", LONG)).isInstanceOf(PluginNotFoundException.class);
            assertThat(manager.get("draining").health()).as("nothing noted").isEmpty();
            assertThat(told).isEmpty();

            release.countDown();
            assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo("served");
            assertThat(unloading.get(30, TimeUnit.SECONDS)).containsExactly("draining");
        } finally {
            release.countDown();
            callers.shutdownNow();
            System.getProperties().remove("draining.entered");
            System.getProperties().remove("draining.release");
        }
    }

    /** @return whether a call of the plugin still gets in; one that does not is told it has been unloaded */
    private boolean gateIsOpen(String plugin) {
        try {
            manager.execute(plugin, "probe");
            return true;
        } catch (PluginNotFoundException unloading) {
            return false;
        }
    }

    @Test
    void anUnloadedPluginIsNoLongerAsked() {
        manager.load(PluginJarBuilder.plugin("leaving").body("""
                public PluginHealth health() { return PluginHealth.down("leaving"); }
                """).build(dir));
        assertThat(manager.health(LONG)).containsOnlyKeys("leaving");

        manager.unload("leaving");

        assertThat(manager.health(LONG)).isEmpty();
        assertThatThrownBy(() -> manager.health(null)).isInstanceOf(NullPointerException.class);
    }
}
