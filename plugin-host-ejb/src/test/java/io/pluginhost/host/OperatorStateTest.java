package io.pluginhost.host;

import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.resource.ResourceOverrides;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

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
}
