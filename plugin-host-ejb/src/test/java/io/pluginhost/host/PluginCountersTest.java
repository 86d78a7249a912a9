package io.pluginhost.host;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The counters the admin API's {@code GET /metrics} and the console show. */
class PluginCountersTest {

    private final PluginCounters counters = new PluginCounters();

    @Test
    void callbacksThatThrewAreCountedPerKindAndEveryKindIsShown() {
        counters.callbackFailed("orders", "listener");
        counters.callbackFailed("orders", "listener");
        counters.callbackFailed("orders", "task");
        counters.callbackFailed("orders", "cron"); // not a kind: ignored

        assertThat(counters.snapshot().get("orders").get("callbackErrors"))
                .isEqualTo(Map.of("listener", 2L, "task", 1L, "handler", 0L, "extension", 0L));
    }

    @Test
    void aReloadDoesNotResetThem() {
        counters.executed("orders", 1_000_000, true);
        counters.unloaded("orders", 1);
        counters.loaded("orders", 1);

        Map<String, Object> orders = counters.snapshot().get("orders");
        assertThat(orders).containsEntry("executions", 1L).containsEntry("executionErrors", 1L)
                .containsEntry("loads", 1L).containsEntry("unloads", 1L);
    }
}
