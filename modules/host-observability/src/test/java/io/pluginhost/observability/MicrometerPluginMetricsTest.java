package io.pluginhost.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerPluginMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerPluginMetrics metrics = new MicrometerPluginMetrics(registry);

    private double bucket(String plugin, String le) {
        return registry.get("pluginhost.plugin.execution.latency").tags("plugin", plugin, "le", le).counter()
                .count();
    }

    @Test
    void latencyBucketsAreCumulativeAsPrometheusHistogramsAre() {
        metrics.executed("orders", TimeUnit.MILLISECONDS.toNanos(7), false);
        metrics.executed("orders", TimeUnit.MILLISECONDS.toNanos(1), true); // on a bound: counted in it
        metrics.executed("orders", TimeUnit.SECONDS.toNanos(9), false);

        assertThat(bucket("orders", "0.001")).isEqualTo(1);
        assertThat(bucket("orders", "0.005")).isEqualTo(1);
        assertThat(bucket("orders", "0.01")).isEqualTo(2);
        assertThat(bucket("orders", "5.0")).isEqualTo(2);
        assertThat(bucket("orders", "+Inf")).isEqualTo(3);
        assertThat(registry.get("pluginhost.plugin.executions").tags("plugin", "orders", "outcome", "error").timer()
                .count()).isEqualTo(1);
        assertThat(registry.get("pluginhost.plugin.executions").tags("plugin", "orders", "outcome", "success").timer()
                .count()).isEqualTo(2);
    }

    @Test
    void eventsAndRepositoryCallsAreCountedPerPluginAndKind() {
        metrics.emitted("orders", "order:placed");
        metrics.received("billing");
        metrics.repositoryCall("orders", "kafka", false);
        metrics.repositoryCall("orders", "kafka", true);
        metrics.repositoryCall("orders", "ftp", false); // not a kind: ignored

        assertThat(registry.get("pluginhost.plugin.events").tags("plugin", "orders", "direction", "emitted").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("pluginhost.plugin.events").tags("plugin", "billing", "direction", "received").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("pluginhost.plugin.repository.calls").tags("plugin", "orders", "kind", "kafka",
                "outcome", "success").counter().count()).isEqualTo(1);
        assertThat(registry.get("pluginhost.plugin.repository.calls").tags("plugin", "orders", "kind", "kafka",
                "outcome", "error").counter().count()).isEqualTo(1);
        assertThat(registry.find("pluginhost.plugin.repository.calls").tag("kind", "ftp").counters()).isEmpty();
    }

    @Test
    void callbacksThatThrewAreCountedPerPluginAndKindEachFromZero() {
        metrics.callbackFailed("orders", "listener");
        metrics.callbackFailed("orders", "listener");
        metrics.callbackFailed("orders", "task");
        metrics.callbackFailed("orders", "cron"); // not a kind: ignored

        assertThat(registry.get("pluginhost.plugin.callback.errors").tags("plugin", "orders", "kind", "listener")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get("pluginhost.plugin.callback.errors").tags("plugin", "orders", "kind", "task")
                .counter().count()).isEqualTo(1);
        // Every kind is there from the plugin's first report, so an alert on a rate sees a series at 0.
        assertThat(registry.get("pluginhost.plugin.callback.errors").tags("plugin", "orders", "kind", "handler")
                .counter().count()).isZero();
        assertThat(registry.find("pluginhost.plugin.callback.errors").tag("kind", "cron").counters()).isEmpty();
    }

    @Test
    void aPluginsHealthIsAGaugeOfItsLastAnswerGoneAtItsUnload() {
        metrics.health("orders", true);
        assertThat(registry.get("pluginhost.plugin.health").tags("plugin", "orders").gauge().value()).isEqualTo(1);
        metrics.health("orders", false);
        assertThat(registry.get("pluginhost.plugin.health").tags("plugin", "orders").gauge().value()).isZero();

        metrics.unloaded("orders", 1_000);
        assertThat(registry.find("pluginhost.plugin.health").gauges()).as("not loaded: no word on it").isEmpty();
        metrics.unloaded("billing", 1_000); // never asked

        metrics.health("orders", true); // loaded again, and asked
        assertThat(registry.get("pluginhost.plugin.health").tags("plugin", "orders").gauge().value()).isEqualTo(1);
    }
}
