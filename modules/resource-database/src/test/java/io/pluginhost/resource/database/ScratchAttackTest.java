package io.pluginhost.resource.database;

import org.junit.jupiter.api.Test;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;

class ScratchAttackTest {
    @Test
    void run() throws Exception {
        for (SqlDialect dialect : SqlDialect.values()) {
            PluginDescriptor descriptor = new PluginDescriptor("crm", "1", "", List.of(), List.of("notes", "note_tags"), List.of(), List.of());
            SqlTableGuard guard = new SqlTableGuard("crm", EffectiveResources.of(descriptor, ResourceOverrides.NONE).tables(), dialect,
                Executors.newCachedThreadPool(), Duration.ofSeconds(5));
            for (String sql : Files.readAllLines(Path.of("/tmp/attack/new.sql"))) {
                try {
                    System.out.println("ACCEPT " + dialect + " " + sql + "\n     => " + guard.guard(sql).sql().replace("\n", " "));
                } catch (Exception e) {
                    System.out.println("REFUSE " + dialect + " " + sql + "  :: " + e.getMessage());
                }
            }
        }
    }
}
