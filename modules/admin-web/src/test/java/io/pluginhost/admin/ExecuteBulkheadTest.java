package io.pluginhost.admin;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecuteBulkheadTest {

    private static ExecuteBulkhead bulkhead(int max, Duration wait) {
        ExecuteBulkhead bulkhead = new ExecuteBulkhead();
        bulkhead.max = max;
        bulkhead.queueWait = wait;
        bulkhead.check();
        return bulkhead;
    }

    @Test
    void aPluginsCallsPastTheCapAreRefusedWhileOtherPluginsKeepTheirPlaces() throws Exception {
        ExecuteBulkhead bulkhead = bulkhead(2, Duration.ZERO);
        Semaphore first = bulkhead.enter("hangs");
        Semaphore second = bulkhead.enter("hangs");
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();

        assertThat(bulkhead.enter("hangs")).isNull();
        assertThat(bulkhead.enter("other")).isNotNull();

        first.release();
        assertThat(bulkhead.enter("hangs")).isNotNull();
    }

    /** A burst larger than the cap waits its turn: a place freed while a caller waits is its. */
    @Test
    void aCallerPastTheCapGetsAPlaceThatIsFreedWhileItWaits() throws Exception {
        ExecuteBulkhead bulkhead = bulkhead(1, Duration.ofSeconds(30));
        Semaphore taken = bulkhead.enter("busy");
        Thread freer = new Thread(() -> {
            while (!taken.hasQueuedThreads()) {
                Thread.onSpinWait();
            }
            taken.release();
        });
        freer.start();

        assertThat(bulkhead.enter("busy")).isSameAs(taken);
        freer.join();
    }

    @Test
    void aCapBelowOneIsRefusedAtStart() {
        assertThatThrownBy(() -> bulkhead(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pluginhost.execute.max-concurrent");
    }
}
