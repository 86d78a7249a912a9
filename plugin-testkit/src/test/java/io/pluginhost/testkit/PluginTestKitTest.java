package io.pluginhost.testkit;

import io.pluginhost.api.PluginEvent;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kit itself: it runs the real engine, captures events and the plugins' errors, waits for events
 * without sleeping, and its assertions can fail.
 */
class PluginTestKitTest {

    @TempDir
    Path dir;

    private static Path greeter() {
        return Path.of("target", "example-plugins", "example-plugin-1.jar");
    }

    @Test
    void aPluginLoadsRunsWithItsSettingsAndItsEventsAreCaptured() {
        try (PluginTestKit kit = PluginTestKit.builder().plugin(greeter())
                .config("example-plugin-1", Map.of("greeting", "Salut")).build()) {
            assertThat(kit.execute("example-plugin-1", "Ada")).isEqualTo("Salut, Ada!");
            assertThat(kit.lastEvent("plugin:ready")).isPresent();
            kit.assertUnloadLeavesNoLoader();
        }
    }

    @Test
    void theLeakAssertionFailsNamingTheLoaderWhenSomethingHoldsThePlugin() {
        Path holder = PluginJarBuilder.plugin("holder").body("public Object execute(Object in) { return this; }")
                .build(dir);
        try (PluginTestKit kit = PluginTestKit.builder().plugin(holder).build()) {
            Object plugin = kit.execute("holder", null); // the test now holds the plugin, so its loader stays

            assertThatThrownBy(kit::assertUnloadLeavesNoLoader)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("holder");
            assertThat(plugin).isNotNull();
        }
    }

    /** Subscribes to {@code poke} with a listener that throws; its execute schedules a task that throws. */
    private Path careless() {
        return PluginJarBuilder.plugin("careless").body("""
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                    context.eventBus().on("poke", e -> { throw new IllegalStateException("poked too hard"); });
                }
                public Object execute(Object in) {
                    context.scheduler().schedule(java.time.Duration.ZERO, () -> {
                        throw new IllegalStateException("a task that throws");
                    });
                    return null;
                }""").build(dir);
    }

    @Test
    void aListenerThatThrowsIsAnErrorTheTestSeesAndAssertNoErrorsFailsOnIt() {
        try (PluginTestKit kit = PluginTestKit.builder().plugin(careless()).build()) {
            kit.assertNoErrors();

            assertThat(kit.publish("poke", null)).as("the plugin's listener, not the kit's capture").isEqualTo(1);

            assertThat(kit.errors()).singleElement().satisfies(error -> assertThat(error.getMessage())
                    .contains("careless", "listener for event 'poke'", "poked too hard"));
            assertThatThrownBy(kit::assertNoErrors).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("1 plugin error").hasMessageContaining("poked too hard");
            kit.clearErrors();
            kit.assertNoErrors();
        }
    }

    @Test
    void aTestWaitsForWhatAScheduledTaskEmitsAndForItsErrorsWithoutSleeping() {
        Path ticker = PluginJarBuilder.plugin("ticker").body("""
                private int runs;
                public void initialize(PluginContext context) {
                    context.scheduler().scheduleAtFixedRate(java.time.Duration.ZERO, java.time.Duration.ofMillis(10),
                            () -> context.eventBus().emit("ticker:tick", Map.of("run", ++runs)));
                }""").build(dir);
        try (PluginTestKit kit = PluginTestKit.builder().plugin(ticker).plugin(careless()).build()) {
            List<PluginEvent> ticks = kit.awaitEvents("ticker:tick", 3, Duration.ofSeconds(30));

            assertThat(ticks).extracting(PluginEvent::data)
                    .containsExactly(Map.of("run", 1), Map.of("run", 2), Map.of("run", 3));
            assertThat(kit.awaitEvent("ticker:tick", Duration.ofSeconds(30))).isEqualTo(ticks.get(0));

            kit.execute("careless", null);
            assertThat(kit.awaitErrors(1, Duration.ofSeconds(30))).singleElement()
                    .satisfies(error -> assertThat(error.getMessage()).contains("careless", "a task that throws"));
        }
    }

    @Test
    void waitingForAnEventThatDoesNotComeFailsWithWhatCameAndThePluginsErrors() {
        try (PluginTestKit kit = PluginTestKit.builder().plugin(careless()).build()) {
            kit.publish("poke", null);

            assertThatThrownBy(() -> kit.awaitEvent("never", Duration.ofMillis(50)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("1 event(s) 'never'")
                    .hasMessageContaining("poked too hard");
        }
    }

    @Test
    void projectJarRefusesAFolderThatIsNoModule() {
        assertThatThrownBy(() -> PluginTestKit.jarOf(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no module-info.class");
    }

    @Test
    void aFolderOfClassesIsPackedAsAPluginJar() throws Exception {
        Path classes = classesOfTheGreeter();
        try (PluginTestKit kit = PluginTestKit.builder().plugin(PluginTestKit.jarOf(classes)).build()) {
            assertThat(kit.execute("example-plugin-1", "folder")).isEqualTo("Hello, folder!");
        }
    }

    /** Packs the folder given and says where the jar went. */
    static final class Packs {
        public static void main(String[] args) {
            System.out.println("packed " + PluginTestKit.jarOf(Path.of(args[0])));
        }
    }

    /** A plugin's suite packs its classes at every run: the jars must not pile up in the temporary directory. */
    @Test
    void aPackedJarIsDeletedWhenTheTestsJvmExits() throws Exception {
        String printed = io.pluginhost.runtime.testing.ChildJvm.run(dir.resolve("child.log"), 60, List.of(),
                Packs.class, classesOfTheGreeter().toString());

        assertThat(printed).contains("packed ");
        Path jar = Path.of(printed.substring(printed.indexOf("packed ") + "packed ".length()).strip());
        assertThat(jar).doesNotExist();
        assertThat(jar.getParent()).doesNotExist();
    }

    /** The classes of the greeter example, as {@code target/classes} of its project holds them. */
    private Path classesOfTheGreeter() throws java.io.IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        try (var jar = new java.util.jar.JarFile(greeter().toFile())) {
            for (var entry : java.util.Collections.list(jar.entries())) {
                if (!entry.isDirectory()) {
                    Path file = classes.resolve(entry.getName());
                    Files.createDirectories(file.getParent());
                    try (var in = jar.getInputStream(entry)) {
                        Files.copy(in, file);
                    }
                }
            }
        }
        return classes;
    }
}
