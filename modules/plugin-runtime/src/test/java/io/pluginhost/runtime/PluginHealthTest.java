package io.pluginhost.runtime;

import io.pluginhost.api.PluginHealth;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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

    @Test
    void aPluginThatSaysNothingOfItsHealthIsNotAsked() {
        manager.load(PluginJarBuilder.plugin("quiet").build(dir));

        assertThat(manager.health(LONG)).isEmpty();
    }

    @Test
    void aPluginSaysWhetherItCanDoItsWorkAndWhyNot() {
        manager.load(PluginJarBuilder.plugin("quiet").build(dir));
        manager.load(PluginJarBuilder.plugin("moody").body("""
                private volatile String trouble;
                public Object execute(Object in) { trouble = (String) in; return null; }
                public PluginHealth health() {
                    return trouble == null ? PluginHealth.up() : PluginHealth.down(trouble);
                }
                """).build(dir));

        assertThat(manager.health(LONG)).containsExactly(Map.entry("moody", PluginHealth.up()));
        manager.execute("moody", "the rates service does not answer");
        assertThat(manager.health(LONG)).containsExactly(
                Map.entry("moody", PluginHealth.down("the rates service does not answer")));
        manager.execute("moody", null);
        assertThat(manager.health(LONG).get("moody")).isEqualTo(PluginHealth.up());
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
        } finally {
            release.countDown();
        }
        assertThat(manager.health(LONG).get("stuck")).isEqualTo(PluginHealth.up());

        manager.unload("stuck");
        System.getProperties().remove("stuck.release");
        assertThat(Gc.collectsAll(manager::unloadedButNotCollected)).as("nothing of the check keeps the plugin")
                .isTrue();
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
