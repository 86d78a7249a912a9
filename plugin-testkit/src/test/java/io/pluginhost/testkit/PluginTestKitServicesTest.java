package io.pluginhost.testkit;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The services a plugin's test asks for are real: PostgreSQL, Kafka and S3 from the dev services. */
class PluginTestKitServicesTest {

    @Test
    void theRepositoryExampleUsesPostgresKafkaAndS3ThroughTheKit() {
        try (PluginTestKit kit = PluginTestKit.builder()
                .database(PluginTestKit.Database.POSTGRES).withKafka().withS3()
                .plugin(Path.of("target", "example-plugins", "example-plugin-repository.jar"))
                .build()) {
            Object result = kit.execute("example-plugin-repository",
                    Map.of("id", 41, "body", "through the kit", "tags", List.of("pg"), "export", true));

            assertThat(result).isInstanceOfSatisfying(Map.class, note -> assertThat(note)
                    .containsEntry("published", true)
                    .containsEntry("archived", "notes/41.txt")
                    // its table as CSV, uploaded from a stream whose length the plugin did not know
                    .containsEntry("exportedBytes", (long) "41,\"through the kit\"\n".length())
                    .extractingByKey("rows").asString().contains("through the kit", "pg"));
            kit.assertUnloadLeavesNoLoader();
        }
    }
}
