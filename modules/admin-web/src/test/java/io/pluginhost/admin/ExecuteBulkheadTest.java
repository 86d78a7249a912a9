package io.pluginhost.admin;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecuteBulkheadTest {

    private static ExecuteBulkhead bulkhead(int max, Integer total, Duration wait) {
        ExecuteBulkhead bulkhead = new ExecuteBulkhead();
        bulkhead.max = max;
        bulkhead.maxTotal = Optional.ofNullable(total);
        bulkhead.queueWait = wait;
        bulkhead.maxResultChars = 16 << 20;
        bulkhead.check();
        return bulkhead;
    }

    @Test
    void aResultLimitBelowOneIsRefusedNamingItsKey() {
        ExecuteBulkhead bulkhead = new ExecuteBulkhead();
        bulkhead.max = 1;
        bulkhead.maxTotal = Optional.empty();
        bulkhead.queueWait = Duration.ZERO;
        assertThatThrownBy(bulkhead::check).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pluginhost.execute.max-result-chars must be at least 1, not 0");
    }

    @Test
    void aPluginsCallsPastTheCapAreRefusedWhileOtherPluginsKeepTheirPlaces() throws Exception {
        ExecuteBulkhead bulkhead = bulkhead(2, null, Duration.ZERO);
        ExecuteBulkhead.Place first = bulkhead.enter("hangs");
        bulkhead.enter("hangs");

        assertThatThrownBy(() -> bulkhead.enter("hangs")).isInstanceOf(ExecuteBulkhead.Full.class)
                .hasMessageContaining("plugin 'hangs' already runs 2 calls")
                .hasMessageContaining("pluginhost.execute.max-concurrent)");
        assertThat(bulkhead.enter("other")).isNotNull();

        first.close();
        assertThat(bulkhead.enter("hangs")).isNotNull();
    }

    /**
     * Several plugins that hang together, each under its own cap, could take every request thread of
     * the server: the cap in all refuses any plugin's call past it, and a refused call keeps no place.
     */
    @Test
    void pluginsThatHangTogetherHoldNoMoreThanTheCapInAll() throws Exception {
        ExecuteBulkhead bulkhead = bulkhead(2, 3, Duration.ZERO);
        ExecuteBulkhead.Place one = bulkhead.enter("hangs-1");
        bulkhead.enter("hangs-1");
        bulkhead.enter("hangs-2");

        assertThatThrownBy(() -> bulkhead.enter("hangs-2")).isInstanceOf(ExecuteBulkhead.Full.class)
                .hasMessageContaining("already run 3 calls from REST in all")
                .hasMessageContaining("pluginhost.execute.max-concurrent-total");
        assertThatThrownBy(() -> bulkhead.enter("other")).isInstanceOf(ExecuteBulkhead.Full.class);

        one.close();
        assertThat(bulkhead.enter("hangs-2")).as("its refused call gave its own place back").isNotNull();
        assertThatThrownBy(() -> bulkhead.enter("other")).isInstanceOf(ExecuteBulkhead.Full.class);
    }

    @Test
    void theCapInAllIsEightPerProcessorUnlessSet() throws Exception {
        ExecuteBulkhead bulkhead = bulkhead(1, null, Duration.ZERO);
        int total = 8 * Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < total; i++) {
            bulkhead.enter("plugin-" + i);
        }
        assertThatThrownBy(() -> bulkhead.enter("one-more")).isInstanceOf(ExecuteBulkhead.Full.class)
                .hasMessageContaining("already run " + total + " calls");
    }

    /** A burst larger than the cap waits its turn: a place freed while a caller waits is its. */
    @Test
    void aCallerPastTheCapGetsAPlaceThatIsFreedWhileItWaits() throws Exception {
        ExecuteBulkhead bulkhead = bulkhead(1, null, Duration.ofSeconds(30));
        ExecuteBulkhead.Place taken = bulkhead.enter("busy");
        CompletableFuture<ExecuteBulkhead.Place> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return bulkhead.enter("busy");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (!bulkhead.hasWaiters("busy")) {
            Thread.onSpinWait();
        }

        taken.close();

        assertThat(waiting.get()).isNotNull();
    }

    @Test
    void aCapBelowOneIsRefusedAtStart() {
        assertThatThrownBy(() -> bulkhead(0, null, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pluginhost.execute.max-concurrent");
        assertThatThrownBy(() -> bulkhead(1, 0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pluginhost.execute.max-concurrent-total");
    }
}
