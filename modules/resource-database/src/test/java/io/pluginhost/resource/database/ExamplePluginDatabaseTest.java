package io.pluginhost.resource.database;

import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.resource.ResourceOverrides;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * example-plugin-repository end to end: loaded by the engine from its jar, with the real database
 * repository over a real database. It creates its two tables in initialize and, on execute, inserts a
 * note with tags and reads it back with a join.
 */
class ExamplePluginDatabaseTest {

    private static Path examplePlugin() {
        return Path.of(System.getProperty("pluginhost.examples.dir", "target/example-plugins"))
                .resolve("example-plugin-repository.jar");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void theExamplePluginCreatesItsTablesInsertsAndJoinsThroughTheRepository(String kind) throws Exception {
        DataSource dataSource = TestDatabases.of(kind,
                "jdbc:h2:mem:example-plugin;DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
        HostServices services = HostServices.NONE.withDatabase(new DatabaseRepositoryProvider(dataSource,
                DatabaseRepositoryContract.PARSER, DatabaseSettings.defaults()));
        // A name map per database, so the test can run more than once against the same server.
        String suffix = kind + "_" + System.nanoTime();
        ResourceOverrides overrides = ResourceOverrides.builder()
                .tableNameMap(Map.of("notes", "notes_" + suffix, "note_tags", "tags_" + suffix)).build();
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(services, Duration.ofSeconds(5))) {
            PluginInfo info = engine.load(examplePlugin(), overrides);
            String notes = info.tables().get("notes");

            Object result = engine.execute("example-plugin-repository",
                    Map.of("id", 1, "body", "buy milk", "tags", List.of("shopping", "home")));

            assertThat(result).isEqualTo(Map.of("id", 1, "rows", List.of(
                    Map.of("id", 1, "body", "buy milk", "tag", "home"),
                    Map.of("id", 1, "body", "buy milk", "tag", "shopping"))));
            assertThat(rawRows(dataSource, notes, "body")).isEqualTo("1:buy milk");
            assertThat(notes).isEqualTo("example-plugin-repository_notes_" + suffix);
            // Sent again, a note replaces the stored one in one transaction: a tag too long for its column
            // fails the batch of tags after the deletes, and the stored note keeps its body and tags.
            assertThatThrownBy(() -> engine.execute("example-plugin-repository",
                    Map.of("id", 1, "body", "buy bread", "tags", List.of("x".repeat(101)))))
                    .hasStackTraceContaining("the database refused the batch's row at index 0 of 1");
            assertThat(rawRows(dataSource, notes, "body")).isEqualTo("1:buy milk");
            assertThat(rawRows(dataSource, info.tables().get("note_tags"), "tag")).isEqualTo("2:shopping");
        }
    }

    /** @return the table's rows as the host's user counts them, with the largest value of the column: "2:x" */
    private static String rawRows(DataSource dataSource, String table, String column) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement raw = connection.createStatement();
             ResultSet rows = raw.executeQuery("SELECT count(*), max(" + column + ") FROM "
                     + SqlNames.quote(table))) {
            rows.next();
            return rows.getInt(1) + ":" + rows.getString(2);
        }
    }
}
