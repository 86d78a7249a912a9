package io.pluginhost.example.tests;

import io.pluginhost.api.PluginEvent;
import io.pluginhost.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The example plugins in the real engine, through the plugin test kit. */
class ExamplePluginsTest {

    private static final Path PLUGINS = Path.of("target", "example-plugins");

    @RegisterExtension
    PluginTestKit kit = PluginTestKit.builder()
            .plugin(PLUGINS.resolve("example-plugin-1.jar"))
            .plugin(PLUGINS.resolve("example-plugin-2.jar"))
            .plugin(PLUGINS.resolve("example-plugin-repository.jar"))
            .config("example-plugin-1", Map.of("greeting", "Hi"))
            .build();

    @Test
    void theGreeterGreetsWithItsConfiguredWordAndAnnouncesItself() {
        assertThat(kit.execute("example-plugin-1", "Ada")).isEqualTo("Hi, Ada!");
        assertThat(kit.events("plugin:ready")).extracting(PluginEvent::source).contains("example-plugin-1");
    }

    @Test
    void theGreeterSpeaksTheLanguagesItsDependentsTeachItThroughItsExtensionPoint() {
        assertThat(kit.execute("example-plugin-1", Map.of("name", "Ada", "language", "la"))).isEqualTo("Salve, Ada!");
        assertThat(kit.execute("example-plugin-1", Map.of("name", "Ada", "language", "tlh")))
                .isEqualTo("No plugin loaded now speaks 'tlh'.");
    }

    @Test
    void statisticsComeFromItsPrivateLibraryAndTheGreetingFromItsDependency() {
        kit.publish("data:sample", Map.of());

        Object result = kit.execute("example-plugin-2", Map.of("numbers", List.of(1, 2, 3.5), "name", "Ada"));

        assertThat(result).isInstanceOfSatisfying(Map.class, stats -> assertThat(stats)
                .containsEntry("sum", 6.5).containsEntry("mean", 6.5 / 3).containsEntry("max", 3.5)
                .containsEntry("greeting", "Hi, Ada!").containsEntry("dataEventsSeen", 1L));
        assertThat(kit.events("stats:computed")).hasSize(1);
        kit.assertNoErrors(); // the listener of data:sample did not throw
    }

    @Test
    void aTaskIsAcknowledgedOnTheBus() {
        kit.publish("task:started", Map.of("taskId", "t-1"));

        assertThat(kit.events("task:acknowledged")).extracting(PluginEvent::data)
                .containsExactly(Map.of("plugin", "example-plugin-2", "taskId", "t-1"));
        kit.assertNoErrors();
    }

    @Test
    void theRepositoryExampleStoresNotesInItsOwnTablesOnTheKitsDatabase() {
        Object result = kit.execute("example-plugin-repository", Map.of("id", 7, "body", "from the kit",
                "tags", List.of("a", "b")));

        assertThat(result.toString()).contains("from the kit", "tag=a", "tag=b");
    }

    @Test
    void unloadingEveryExampleLeavesNoLoaderBehind() {
        kit.execute("example-plugin-1", Map.of("name", "Ada", "language", "la")); // the extension made and used
        kit.assertUnloadLeavesNoLoader();
    }
}
