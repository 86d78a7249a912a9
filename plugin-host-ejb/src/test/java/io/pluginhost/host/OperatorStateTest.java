package io.pluginhost.host;

import io.pluginhost.resource.database.HostDocuments;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.resource.ResourceOverrides;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator's state file across restarts. A host must start whatever one entry of it holds: a rule
 * that a newer host made stricter, or a hand edit, costs that entry (logged, the file kept aside as it
 * was), not the host.
 */
class OperatorStateTest {

    @TempDir
    Path dir;

    private final Jsonb json = JsonbBuilder.create();
    private final ModuleLayerPluginManager engine = new ModuleLayerPluginManager();

    @AfterEach
    void close() throws Exception {
        engine.close();
        json.close();
    }

    private Path file() {
        return dir.resolve(".pluginhost-state.json");
    }

    @Test
    void whatWasSavedIsWhatTheEngineGetsAfterARestart() {
        OperatorState before = OperatorState.load(file(), json);
        ResourceOverrides shared = ResourceOverrides.builder().allowedTables(List.of("users"))
                .tableNameMap(Map.of("users", "shared_users")).build();
        before.overrides("crm", Optional.of(shared));
        before.config("crm", Optional.of(Map.of("greeting", "hi")));
        before.unloaded(List.of("audit"));

        OperatorState after = OperatorState.load(file(), json);
        after.applyTo(engine);

        assertThat(engine.getOverrides("crm")).contains(shared);
        assertThat(engine.getConfig("crm")).contains(Map.of("greeting", "hi"));
        assertThat(after.unloaded()).containsExactly("audit");
        assertThat(dir.resolve(".pluginhost-state.json.refused")).doesNotExist();
    }

    @Test
    void entriesTheEngineRefusesNowAreLeftOutAndTheRestApplies() throws Exception {
        String saved = """
                {"unloaded": ["audit"],
                 "overrides": {
                   "crm": {"allowedTables": ["users"], "tableNameMap": {"users": "shared_users"}},
                   "billing": {"tableNameMap": {"invoices": "Invoices; DROP"}},
                   "Not_A_Plugin": {"allowedTables": ["x"]},
                   "mail": {"allowedTopics": "not-a-list"},
                   "ledger": {"allowedTables": [1, 2]}
                 },
                 "config": {
                   "crm": {"greeting": "hi"},
                   "billing": {"two words": "x"},
                   "mail": "not-a-map"
                 }}
                """;
        Files.writeString(file(), saved);

        OperatorState state = OperatorState.load(file(), json);
        state.applyTo(engine);

        assertThat(engine.getOverrides("crm")).isPresent();
        assertThat(engine.getConfig("crm")).contains(Map.of("greeting", "hi"));
        for (String refused : List.of("billing", "Not_A_Plugin", "mail", "ledger")) {
            assertThat(engine.getOverrides(refused)).as(refused).isEmpty();
            assertThat(engine.getConfig(refused)).as(refused).isEmpty();
        }
        assertThat(state.unloaded()).containsExactly("audit");
        // The state kept is what the engine has; the file as the operator left it is kept beside it.
        assertThat(state.overrides()).containsOnlyKeys("crm");
        assertThat(state.config()).containsOnlyKeys("crm");
        assertThat(Files.readString(dir.resolve(".pluginhost-state.json.refused"))).isEqualTo(saved);
        OperatorState reread = OperatorState.load(file(), json);
        assertThat(reread.overrides()).containsOnlyKeys("crm");
        assertThat(reread.unloaded()).containsExactly("audit");
    }

    /** The first node to share its state brings its file; a later node gets the shared state, not its own. */
    @Test
    void theFirstNodeToShareItsStateBringsItsFileAndLaterNodesGetTheSharedOne() throws Exception {
        HostDocuments documents = documents(h2());
        OperatorState first = OperatorState.load(file(), json);
        first.config("crm", Optional.of(Map.of("greeting", "hi")));
        first.unloaded(List.of("audit"));
        Path otherFile = dir.resolve("other.json");
        OperatorState.load(otherFile, json).config("billing", Optional.of(Map.of("currency", "EUR")));

        OperatorState shared = OperatorState.shared(documents, file(), json);
        OperatorState later = OperatorState.shared(documents, otherFile, json);

        for (OperatorState node : List.of(shared, later)) {
            assertThat(node.config()).containsOnlyKeys("crm");
            assertThat(node.unloaded()).containsExactly("audit");
        }
        assertThat(documents.read(OperatorState.DOCUMENT)).hasValueSatisfying(
                stored -> assertThat(stored.version()).isEqualTo(1));
    }

    /**
     * An entry this node's engine refuses (a rule made stricter in a newer host than the other nodes run) is
     * left out of this engine only: the other nodes keep it, so it stays in the shared state, and this node does
     * not take it again as a change.
     */
    @Test
    void anEntryOneNodeRefusesStaysSharedForTheOthers() throws Exception {
        HostDocuments documents = documents(h2());
        documents.write(OperatorState.DOCUMENT, 0, """
                {"config": {"crm": {"greeting": "hi"}, "billing": {"two words": "x"}}}""");

        OperatorState state = OperatorState.shared(documents, file(), json);
        state.applyTo(engine);

        assertThat(engine.getConfig("crm")).contains(Map.of("greeting", "hi"));
        assertThat(engine.getConfig("billing")).isEmpty();
        assertThat(state.config()).containsOnlyKeys("crm", "billing");
        assertThat(state.pull().isEmpty()).isTrue();
        assertThat(documents.read(OperatorState.DOCUMENT).orElseThrow().text()).contains("two words");
    }

    /** A node that cannot reach the shared state neither starts on another state nor makes a change it cannot share. */
    @Test
    void aNodeThatCannotReachTheSharedStateSaysSoAndChangesNothing() throws Exception {
        DataSource database = h2();
        AtomicBoolean down = new AtomicBoolean(true);
        HostDocuments documents = new HostDocuments(() -> {
            if (down.get()) {
                throw new SQLException("Connection refused");
            }
            return database;
        }, Duration.ofSeconds(10));

        assertThatThrownBy(() -> OperatorState.shared(documents, file(), json))
                .isInstanceOf(OperatorStateNotSavedException.class)
                .hasMessageContaining("Connection refused")
                .hasMessageContaining("the host cannot start without it")
                .hasMessageContaining("pluginhost.shared-state.datasource");

        down.set(false);
        OperatorState state = OperatorState.shared(documents, file(), json);
        down.set(true);
        assertThatThrownBy(state::checkSavable).isInstanceOf(OperatorStateNotSavedException.class)
                .hasMessageContaining("nothing was changed");
        assertThatThrownBy(state::pull).isInstanceOf(OperatorStateNotSavedException.class)
                .hasMessageContaining("does not learn of the other nodes' changes");
        down.set(false);
        assertThat(state.pull().isEmpty()).isTrue();
    }

    /** A shared document that is not JSON (a hand edit) is not read as empty, which would undo every change. */
    @Test
    void aSharedStateThatIsNotJsonIsNeitherFollowedNorChanged() throws Exception {
        HostDocuments documents = documents(h2());
        documents.write(OperatorState.DOCUMENT, 0, "{\"unloaded\": [\"audit\"]}");
        OperatorState state = OperatorState.shared(documents, file(), json);
        documents.write(OperatorState.DOCUMENT, 1, "{\"unloaded\": [\"audit\"");

        assertThatThrownBy(state::pull).isInstanceOf(OperatorStateNotSavedException.class)
                .hasMessageContaining("is not JSON");
        assertThatThrownBy(() -> state.clearUnload("audit")).isInstanceOf(OperatorStateNotSavedException.class)
                .hasMessageContaining("until it is mended");
        assertThat(documents.read(OperatorState.DOCUMENT).orElseThrow().version()).isEqualTo(2);
        assertThatThrownBy(() -> OperatorState.shared(documents, file(), json))
                .isInstanceOf(OperatorStateNotSavedException.class).hasMessageContaining("is not JSON");
    }

    private static DataSource h2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:operator-state-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    private static HostDocuments documents(DataSource database) {
        return new HostDocuments(() -> database, Duration.ofSeconds(10));
    }
}
