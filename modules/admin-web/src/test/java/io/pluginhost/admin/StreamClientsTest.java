package io.pluginhost.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fan-out rules with small fake sinks and real threads; {@code EventStreamIT} proves the same
 * against WildFly's responses, clients that stop reading, and bursts over HTTP/1.1 and HTTP/2.
 */
class StreamClientsTest {

    /** A heartbeat no test waits for. */
    private static final Duration QUIET = Duration.ofHours(1);

    /** Every writing thread the clients started, so each test can prove they all ended. */
    private final List<Thread> started = new ArrayList<>();
    private final ThreadFactory threads = task -> {
        Thread thread = new Thread(task);
        synchronized (started) {
            started.add(thread);
        }
        return thread;
    };

    /** A sink that records what it was written, and can be made to block (a client that stops reading). */
    private static final class FakeSink implements StreamClients.Sink {
        final List<String> written = new ArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean blocks;
        volatile IOException fails;
        private final Object lock = new Object();

        @Override
        public void write(byte[] event) throws IOException {
            if (fails != null) {
                throw fails;
            }
            if (blocks) {
                try {
                    closed.await(); // like a socket write: it ends when the stream is closed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("closed while writing");
            }
            synchronized (lock) {
                written.add(name(event));
                lock.notifyAll();
            }
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            closed.countDown();
        }

        /** Waits until {@code count} events were written; @return them */
        List<String> awaitWritten(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            synchronized (lock) {
                while (written.size() < count && System.nanoTime() < deadline) {
                    lock.wait(100);
                }
                return new ArrayList<>(written);
            }
        }

        /** @return the event's name, or the comment line of a heartbeat */
        private static String name(byte[] event) {
            String text = new String(event, StandardCharsets.UTF_8);
            return text.startsWith(":") ? text.strip() : text.substring("event: ".length(), text.indexOf('\n'));
        }
    }

    private static String event(String name, int dataChars) {
        return EventStream.event(name, "x".repeat(dataChars));
    }

    @AfterEach
    void everyWritingThreadEnded() throws InterruptedException {
        synchronized (started) {
            for (Thread thread : started) {
                thread.join(10_000);
                assertThat(thread.isAlive()).as("a client's writing thread ended").isFalse();
            }
        }
    }

    @Test
    void aClientThatStopsReadingHoldsNoOtherClientsEvents() throws Exception {
        StreamClients clients = new StreamClients(1_000_000, 10, QUIET, threads);
        FakeSink stalled = new FakeSink();
        stalled.blocks = true;
        FakeSink reading = new FakeSink();
        clients.add(stalled, event("ready", 1));
        clients.add(reading, event("ready", 1));

        for (int i = 0; i < 100; i++) {
            clients.sendToAll(event("e" + i, 10));
        }

        List<String> got = reading.awaitWritten(101);
        assertThat(got).hasSize(101).startsWith("ready", "e0", "e1").endsWith("e98", "e99");
        assertThat(clients.size()).isEqualTo(2);
        clients.closeAll();
    }

    @Test
    void overItsBacklogAStalledClientIsClosedAndItsBlockedWriteEnds() throws Exception {
        StreamClients clients = new StreamClients(1_000, 10, QUIET, threads);
        FakeSink stalled = new FakeSink();
        stalled.blocks = true;
        FakeSink reading = new FakeSink();
        clients.add(stalled, event("ready", 1));
        clients.add(reading, event("ready", 1));

        reading.awaitWritten(1);
        for (int i = 0; i < 30; i++) {
            clients.sendToAll(event("e" + i, 100)); // about 3,300 characters in all
            assertThat(reading.awaitWritten(i + 2)).hasSize(i + 2); // this one keeps up
        }

        assertThat(stalled.closed.await(10, TimeUnit.SECONDS)).as("the stalled client was closed").isTrue();
        assertThat(stalled.closes).hasValue(1);
        assertThat(reading.closes).hasValue(0);
        assertThat(clients.size()).isEqualTo(1);
        clients.closeAll(); // the @AfterEach proves the stalled client's thread ended too
    }

    @Test
    void oneEventLargerThanTheBacklogStillReachesAClientThatReads() throws Exception {
        StreamClients clients = new StreamClients(100, 10, QUIET, threads);
        FakeSink reading = new FakeSink();
        clients.add(reading, event("ready", 1));
        reading.awaitWritten(1);

        clients.sendToAll(event("big", 5_000));

        assertThat(reading.awaitWritten(2)).containsExactly("ready", "big");
        assertThat(clients.size()).isEqualTo(1);
        clients.closeAll();
    }

    @Test
    void aClientWhoseWriteFailsIsForgottenAndClosedOnce() throws Exception {
        StreamClients clients = new StreamClients(1_000, 10, QUIET, threads);
        FakeSink gone = new FakeSink();
        gone.fails = new IOException("Broken pipe");
        clients.add(gone, event("ready", 1));

        assertThat(gone.closed.await(10, TimeUnit.SECONDS)).isTrue();
        clients.sendToAll(event("after", 1));
        clients.closeAll();

        assertThat(gone.closes).hasValue(1);
        assertThat(clients.size()).isZero();
    }

    @Test
    void aClientWhoseConnectionEndedIsForgottenWithoutClosingIt() throws Exception {
        StreamClients clients = new StreamClients(1_000, 10, QUIET, threads);
        FakeSink sink = new FakeSink();
        StreamClients.Client client = clients.add(sink, event("ready", 1));
        sink.awaitWritten(1);

        client.ended();
        clients.sendToAll(event("after", 1));

        assertThat(clients.size()).isZero();
        assertThat(sink.closes).hasValue(0);
        assertThat(sink.written).containsExactly("ready");
    }

    @Test
    void pastTheMostClientsAnotherIsRefusedAndNoThreadStarts() {
        StreamClients clients = new StreamClients(1_000, 2, QUIET, threads);
        assertThat(clients.add(new FakeSink(), event("ready", 1))).isNotNull();
        assertThat(clients.add(new FakeSink(), event("ready", 1))).isNotNull();

        assertThat(clients.add(new FakeSink(), event("ready", 1))).isNull();

        assertThat(started).hasSize(2);
        assertThat(clients.size()).isEqualTo(2);
        clients.closeAll();
        assertThat(clients.size()).isZero();
    }

    /** 500 clients connect while events are sent to all without a pause; each gets its own first event first. */
    @Test
    void aClientsFirstEventIsItsOwnEvenWhileEventsAreSentToAll() throws Exception {
        StreamClients clients = new StreamClients(1_000_000, 1_000, QUIET, threads);
        AtomicBoolean sending = new AtomicBoolean(true);
        CountDownLatch started = new CountDownLatch(1);
        Thread sender = new Thread(() -> {
            started.countDown();
            while (sending.get()) {
                clients.sendToAll(event("other", 1));
            }
        });
        sender.start();
        started.await();
        List<FakeSink> sinks = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                FakeSink sink = new FakeSink();
                sinks.add(sink);
                clients.add(sink, event("ready", 1));
            }
            sending.set(false);
            sender.join();
            for (FakeSink sink : sinks) {
                assertThat(sink.awaitWritten(1).get(0)).as("a client's first event").isEqualTo("ready");
            }
        } finally {
            sending.set(false);
            clients.closeAll();
        }
    }

    @Test
    void aClientNoThreadCanBeMadeForIsClosedAndForgotten() {
        StreamClients clients = new StreamClients(1_000, 10, QUIET, task -> null); // a factory that is shut down
        FakeSink sink = new FakeSink();

        assertThatThrownBy(() -> clients.add(sink, event("ready", 1))).isInstanceOf(IllegalStateException.class);

        assertThat(clients.size()).isZero();
        assertThat(sink.closes).hasValue(1);
    }

    @Test
    void closeAllClosesEveryClient() throws Exception {
        StreamClients clients = new StreamClients(1_000, 10, QUIET, threads);
        FakeSink one = new FakeSink();
        FakeSink two = new FakeSink();
        two.blocks = true;
        clients.add(one, event("ready", 1));
        clients.add(two, event("ready", 1));

        clients.closeAll();

        assertThat(one.closes).hasValue(1);
        assertThat(two.closes).hasValue(1);
        assertThat(clients.size()).isZero();
    }

    @Test
    void aClientSentNothingForTheHeartbeatIsSentAComment() throws Exception {
        StreamClients clients = new StreamClients(1_000, 10, Duration.ofMillis(20), threads);
        FakeSink sink = new FakeSink();
        clients.add(sink, event("ready", 1));

        List<String> got = sink.awaitWritten(3);
        clients.sendToAll(event("after", 1));

        assertThat(got).startsWith("ready", ": keep-alive", ": keep-alive");
        assertThat(sink.awaitWritten(4)).contains("after");
        clients.closeAll();
    }

    @Test
    void aClientThatIsGoneIsFoundByTheHeartbeatWithoutAnEvent() throws Exception {
        StreamClients clients = new StreamClients(1_000, 1, Duration.ofMillis(20), threads);
        FakeSink gone = new FakeSink();
        clients.add(gone, event("ready", 1));
        gone.awaitWritten(1);

        gone.fails = new IOException("Connection reset by peer"); // the client went away; no event follows

        assertThat(gone.closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(clients.size()).isZero();
        assertThat(clients.add(new FakeSink(), event("ready", 1))).as("its place is free again").isNotNull();
        clients.closeAll();
    }

    @Test
    void aStreamEventPutsEachLineOfItsDataOnADataLine() {
        assertThat(EventStream.event("bus", "{\"a\":1}")).isEqualTo("event: bus\ndata: {\"a\":1}\n\n");
        assertThat(EventStream.event("bus", "one\r\ntwo\rthree\nfour"))
                .isEqualTo("event: bus\ndata: one\ndata: two\ndata: three\ndata: four\n\n");
    }

    @Test
    void aBacklogANumberOfClientsOrAHeartbeatThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new StreamClients(0, 1, QUIET, threads)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamClients(1, 0, QUIET, threads)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamClients(1, 1, Duration.ZERO, threads))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
