package io.pluginhost.host;

import io.pluginhost.resource.database.HostDocuments;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nodes' reports of what they run, in a real H2: written when they change or grow old, listed with the
 * nodes that stopped reporting marked silent, taken back when a node stops.
 */
class NodeReportsTest {

    @TempDir
    Path dir;

    private final Jsonb json = JsonbBuilder.create();
    private final ModuleLayerPluginManager engine = new ModuleLayerPluginManager();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T10:00:00Z"));
    private final HostDocuments documents = documents();

    @AfterEach
    void close() throws Exception {
        engine.close();
        json.close();
    }

    private static HostDocuments documents() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:node-reports-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return new HostDocuments(() -> h2, Duration.ofSeconds(10));
    }

    private NodeReports node(String id) {
        return new NodeReports(documents, id, json, now::get, message -> message.replace(dir.toString(), ""));
    }

    @Test
    void aReportIsWrittenWhenItChangesOrGrowsOldAndANodeThatStopsReportingIsSilent() throws Exception {
        engine.load(PluginJarBuilder.plugin("greeter").build(dir));
        NodeReports a = node("a");
        NodeReports b = node("b");
        a.report(engine.list(), 3);
        b.report(List.of(), 3);

        assertThat(a.nodes()).hasSize(2).first().satisfies(report -> {
            assertThat(report).containsEntry("node", "a").containsEntry("silent", false)
                    .containsEntry("reportedAt", "2026-12-07T10:00:00Z");
            assertThat(report.get("plugins").toString()).contains("name=greeter", "version=1.0.0", "state=LOADED");
        });
        long version = documents.version(NodeReports.PREFIX + "a");

        now.set(now.get().plusSeconds(20));
        a.report(engine.list(), 3);
        assertThat(documents.version(NodeReports.PREFIX + "a")).as("unchanged, and not old").isEqualTo(version);
        a.report(engine.list(), 4);
        assertThat(documents.version(NodeReports.PREFIX + "a")).as("a new state followed").isEqualTo(version + 1);
        now.set(now.get().plus(NodeReports.HEARTBEAT));
        a.report(engine.list(), 4);
        assertThat(documents.version(NodeReports.PREFIX + "a")).as("a heartbeat").isEqualTo(version + 2);

        now.set(Instant.parse("2026-12-07T10:00:00Z").plus(NodeReports.SILENT).plusSeconds(1));
        assertThat(a.nodes()).extracting(report -> report.get("node") + " " + report.get("silent"))
                .containsExactly("a false", "b true");

        b.withdraw();
        assertThat(a.nodes()).extracting(report -> report.get("node")).containsExactly("a");
    }

    @Test
    void aReportThatCannotBeReadIsListedWithWhy() throws Exception {
        documents.put(NodeReports.PREFIX + "broken", "{\"node\": ");
        documents.put("operator-state", "{}"); // not a node's report

        assertThat(node("a").nodes()).singleElement().satisfies(report -> assertThat(report)
                .containsEntry("node", "broken").containsKey("unreadable"));
    }

    @Test
    void aFailedPluginIsReportedWithItsErrorWithoutTheServersPaths() throws Exception {
        Path broken = PluginJarBuilder.plugin("broken").body("public void initialize(PluginContext context) {"
                + " if (System.getProperty(\"node-reports-test.fail\") != null) {"
                + " throw new IllegalStateException(\"cannot read " + dir + "/secret.txt\"); } }").build(dir);
        engine.load(broken);
        System.setProperty("node-reports-test.fail", "yes");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.reload("broken"));
        } finally {
            System.clearProperty("node-reports-test.fail");
        }

        Map<String, Object> report = NodeReports.report("a", engine.list(), 1,
                message -> message.replace(dir + "/", ""));

        assertThat(report).containsEntry("node", "a").containsEntry("stateVersion", 1L);
        assertThat(report.get("plugins").toString()).contains("name=broken", "state=FAILED", "cannot read secret.txt")
                .doesNotContain(dir.toString());
    }

    @Test
    void whatAPluginLastSaidOfItsHealthIsReportedAndATurnRewritesTheReport() throws Exception {
        engine.load(PluginJarBuilder.plugin("moody").body("""
                public PluginHealth health() {
                    String trouble = System.getProperty("node-reports-test.trouble");
                    return trouble == null ? PluginHealth.up() : PluginHealth.down(trouble);
                }""").build(dir));
        NodeReports a = node("a");
        a.report(engine.list(), 1);
        assertThat(a.nodes().get(0).get("plugins").toString()).as("not asked yet").doesNotContain("health");

        engine.health(Duration.ofSeconds(30));
        a.report(engine.list(), 1);
        assertThat(a.nodes().get(0).get("plugins").toString()).contains("state=LOADED", "health=UP");
        System.setProperty("node-reports-test.trouble", "cannot read " + dir + "/rates.csv");
        try {
            engine.health(Duration.ofSeconds(30));
            long version = documents.version(NodeReports.PREFIX + "a");
            a.report(engine.list(), 1);
            assertThat(documents.version(NodeReports.PREFIX + "a")).as("a turn is a change").isEqualTo(version + 1);
            assertThat(a.nodes().get(0).get("plugins").toString()).contains("health=DOWN: cannot read /rates.csv")
                    .doesNotContain(dir.toString());

            engine.health(Duration.ofSeconds(30));
            a.report(engine.list(), 1);
            assertThat(documents.version(NodeReports.PREFIX + "a")).as("still down: no change").isEqualTo(version + 1);
        } finally {
            System.clearProperty("node-reports-test.trouble");
        }
    }
}
