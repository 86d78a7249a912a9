package io.pluginhost.admin;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.SseEventSink;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fan-out rules with small fake sinks; {@code EventStreamIT} proves the same against WildFly's
 * real sinks and a client that stops reading.
 */
class StreamClientsTest {

    /** A sink whose sends complete when the test says so (or at once). */
    private static final class FakeSink implements SseEventSink {
        final List<String> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        final boolean completesAtOnce;
        boolean closed;
        RuntimeException onSend;

        FakeSink(boolean completesAtOnce) {
            this.completesAtOnce = completesAtOnce;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            if (onSend != null) {
                throw onSend;
            }
            sent.add(event.getName());
            CompletableFuture<Void> write = completesAtOnce ? CompletableFuture.completedFuture(null)
                    : new CompletableFuture<>();
            pending.add(write);
            return write;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static OutboundSseEvent event(String name) {
        return (OutboundSseEvent) Proxy.newProxyInstance(StreamClientsTest.class.getClassLoader(),
                new Class<?>[] {OutboundSseEvent.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getName", "toString" -> name;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aClientWhoseSendsNeverCompleteHoldsNoOtherClientsEvents() {
        StreamClients clients = new StreamClients(1_000);
        FakeSink stalled = new FakeSink(false);
        FakeSink reading = new FakeSink(true);
        clients.add(stalled, event("ready"), 10);
        clients.add(reading, event("ready"), 10);

        clients.sendToAll(event("one"), 10);
        clients.sendToAll(event("two"), 10);

        assertThat(reading.sent).containsExactly("ready", "one", "two");
        assertThat(stalled.sent).containsExactly("ready", "one", "two");
        assertThat(clients.size()).isEqualTo(2);
    }

    @Test
    void aClientOverItsBacklogIsClosedAndSentNothingMore() {
        StreamClients clients = new StreamClients(100);
        FakeSink stalled = new FakeSink(false);
        FakeSink reading = new FakeSink(true);
        clients.add(stalled, event("ready"), 10);
        clients.add(reading, event("ready"), 10);

        for (int i = 0; i < 9; i++) {
            clients.sendToAll(event("e" + i), 10); // 10 + 90 unsent: at the limit, not over it
        }
        clients.sendToAll(event("over"), 10); // sent: the client was not over its backlog yet
        assertThat(stalled.closed).isFalse();
        clients.sendToAll(event("after"), 10);

        assertThat(stalled.closed).isTrue();
        assertThat(stalled.sent).hasSize(11).contains("over").doesNotContain("after");
        assertThat(reading.sent).contains("over", "after");
        assertThat(clients.size()).isEqualTo(1);
    }

    @Test
    void oneEventLargerThanTheBacklogStillReachesAClientThatReads() {
        StreamClients clients = new StreamClients(100);
        FakeSink reading = new FakeSink(true);
        clients.add(reading, event("ready"), 10);

        clients.sendToAll(event("huge"), 1_000);
        clients.sendToAll(event("next"), 10);

        assertThat(reading.closed).isFalse();
        assertThat(reading.sent).containsExactly("ready", "huge", "next");
    }

    @Test
    void completedSendsNoLongerCountAgainstTheBacklog() {
        StreamClients clients = new StreamClients(100);
        FakeSink slow = new FakeSink(false);
        clients.add(slow, event("ready"), 50);
        for (int round = 0; round < 20; round++) {
            clients.sendToAll(event("e" + round), 50); // 100 unsent at most, then the client catches up
            slow.pending.forEach(write -> write.complete(null));
        }
        assertThat(slow.closed).isFalse();
        assertThat(slow.sent).hasSize(21);
    }

    @Test
    void aClientWhoseSendFailsOrThrowsOrWhoseSinkIsClosedIsForgotten() {
        StreamClients clients = new StreamClients(1_000);
        FakeSink failing = new FakeSink(false);
        FakeSink throwing = new FakeSink(true);
        FakeSink closedByContainer = new FakeSink(true);
        FakeSink healthy = new FakeSink(true);
        clients.add(failing, event("ready"), 1);
        clients.add(throwing, event("ready"), 1);
        clients.add(closedByContainer, event("ready"), 1);
        clients.add(healthy, event("ready"), 1);

        failing.pending.get(0).completeExceptionally(new java.io.IOException("connection reset"));
        throwing.onSend = new IllegalStateException("the sink closed between isClosed() and send()");
        closedByContainer.closed = true;
        clients.sendToAll(event("next"), 1);

        assertThat(clients.size()).isEqualTo(1);
        assertThat(healthy.sent).containsExactly("ready", "next");
        assertThat(failing.closed).isTrue();
    }

    @Test
    void closeAllClosesEveryClient() {
        StreamClients clients = new StreamClients(1_000);
        FakeSink one = new FakeSink(true);
        FakeSink two = new FakeSink(false);
        clients.add(one, event("ready"), 1);
        clients.add(two, event("ready"), 1);

        clients.closeAll();

        assertThat(one.closed).isTrue();
        assertThat(two.closed).isTrue();
        assertThat(clients.size()).isZero();
    }

    @Test
    void theBacklogMustBePositive() {
        assertThatThrownBy(() -> new StreamClients(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
