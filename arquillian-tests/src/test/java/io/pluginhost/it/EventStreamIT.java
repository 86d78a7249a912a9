package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.RawEventStream;
import io.pluginhost.it.support.ServerPorts;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server-sent-events stream showing plugins' bus events and lifecycle events as they happen
 * inside WildFly (which also proves both are CDI events: the stream is a CDI observer).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EventStreamIT {

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private String post(String path, String json) throws Exception {
        return new AdminClient(base).json("POST", path, json).body();
    }

    @Test
    void busAndLifecycleEventsAppearOnTheStreamAsTheyHappen() throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch computed = new CountDownLatch(1);
        CountDownLatch loaded = new CountDownLatch(1);
        HttpResponse<InputStream> stream = new AdminClient(base).events(line -> {
            lines.add(line);
            if (line.contains("stats:computed")) {
                computed.countDown();
            }
            if (line.contains("\"kind\":\"LOADED\"")) {
                loaded.countDown();
            }
        });

        // example-plugin-1 emits plugin:ready when it loads; example-plugin-2 emits stats:computed.
        post("api/plugins/example-plugin-1/reload", "");
        post("api/plugins/example-plugin-2/execute", "{\"numbers\": [4, 5]}");

        assertThat(computed.await(30, TimeUnit.SECONDS)).as("the bus event arrived").isTrue();
        assertThat(loaded.await(30, TimeUnit.SECONDS)).as("the lifecycle event arrived").isTrue();
        String all = joined(lines);
        assertThat(all).contains("event: bus", "\"name\":\"stats:computed\"", "\"source\":\"example-plugin-2\"",
                "\"name\":\"plugin:ready\"", "event: lifecycle", "\"kind\":\"UNLOADED\"", "\"kind\":\"LOADED\"");
        assertThat(all).contains("\"sum\":9");
        stream.body().close();
    }

    /**
     * A plugin's scheduled task in the server: its runs reach the stream as the plugin's events, a run that
     * throws as the plugin's error (and is counted in the metrics), and after an unload its loader is
     * collected (the timer keeps nothing).
     */
    @Test
    void aScheduledTaskEmitsFromTheServerUntilItsPluginUnloads(@TempDir Path dir) throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("ticker").body("""
                private final java.util.concurrent.atomic.AtomicInteger runs =
                        new java.util.concurrent.atomic.AtomicInteger();
                public void initialize(PluginContext context) {
                    context.scheduler().scheduleAtFixedRate(java.time.Duration.ZERO, java.time.Duration.ofMillis(100),
                            () -> {
                                int run = runs.incrementAndGet();
                                if (run == 2) {
                                    throw new IllegalStateException("the second run throws");
                                }
                                context.eventBus().emit("ticker:tick", Map.of("run", run));
                            });
                }""").build(dir));
        CountDownLatch ticked = new CountDownLatch(1);
        CountDownLatch failed = new CountDownLatch(1);
        AdminClient admin = new AdminClient(base);
        HttpResponse<InputStream> stream = admin.events(line -> {
            if (line.contains("\"name\":\"ticker:tick\"") && line.contains("\"run\":3")) {
                ticked.countDown();
            }
            if (line.contains("failed in a scheduled task") && line.contains("the second run throws")) {
                failed.countDown();
            }
        });
        try {
            assertThat(admin.upload("ticker.jar", jar).statusCode()).isEqualTo(201);

            assertThat(failed.await(30, TimeUnit.SECONDS)).as("the failed run was reported").isTrue();
            assertThat(ticked.await(30, TimeUnit.SECONDS)).as("the task ran again after it").isTrue();
            assertThat(admin.json("GET", "api/plugins/ticker", null).body()).contains("\"scheduledTasks\":1");
            // The failed run is counted, for the console and for an alert in Prometheus.
            assertThat(admin.json("GET", "api/metrics", null).body())
                    .contains("\"callbackErrors\":{\"listener\":0,\"task\":1,\"handler\":0,\"extension\":0}");
            String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    ServerPorts.management() + "/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(scrape.lines().filter(line -> line.startsWith("pluginhost_plugin_callback_errors_total{")
                    && line.contains("plugin=\"ticker\"") && line.contains("kind=\"task\"")))
                    .as(scrape).singleElement().asString().endsWith(" 1.0");
        } finally {
            stream.body().close();
        }
        assertThat(admin.json("DELETE", "api/plugins/ticker", null).statusCode()).isEqualTo(200);
        assertThat(admin.json("DELETE", "api/jars/ticker.jar", null).statusCode()).isEqualTo(204);
        assertThat(admin.json("POST", "api/diagnostics/unloaded-not-collected", null).body())
                .doesNotContain("ticker@");
    }

    /**
     * A console tab left open on a machine that stopped reading (asleep, or a proxy that buffers) must
     * hold no other client's events, and is closed once it holds more than its backlog. The stalled
     * client registers first, with a receive window of about 1 KiB, and reads nothing more; a plugin
     * then emits 16 rounds of 512 KiB, each read by the other client before the next: about 8 MiB, more
     * than the kernel's buffers (about 1.7 MB here) and the 4 MiB backlog hold.
     */
    @Test
    void aClientThatStopsReadingHoldsNoOtherClientsEventsAndIsClosedPastItsBacklog(@TempDir Path dir)
            throws Exception {
        try (RawEventStream stalledStream = RawEventStream.open(base, 1024)) {
            floodWhileAnotherClientReads(dir);
            assertThat(readToTheEnd(stalledStream.socket())).as("the stalled client's stream was closed by the server")
                    .isTrue();
        }
    }

    /**
     * The same over HTTP/2, where the stalled client is one stream of a connection: the server's writes
     * wait for the client's flow-control window, which a client that reads nothing never opens again
     * (the JDK's client grants 16 MiB unless told otherwise; this one grants 64 KiB), and the host must
     * end that stream ({@code RST_STREAM}) once the client's backlog is full.
     */
    @Test
    void anHttp2ClientThatStopsReadingIsClosedPastItsBacklog(@TempDir Path dir) throws Exception {
        CompletableFuture<HttpClient.Version> version = new CompletableFuture<>();
        CountDownLatch opened = new CountDownLatch(1);
        CompletableFuture<Flow.Subscription> reading = new CompletableFuture<>();
        AtomicLong bytes = new AtomicLong();
        CompletableFuture<String> ended = new CompletableFuture<>();
        HttpResponse.BodySubscriber<Void> stalls = new HttpResponse.BodySubscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                reading.complete(subscription);
                subscription.request(1);
            }

            @Override
            public void onNext(List<ByteBuffer> buffers) {
                buffers.forEach(buffer -> bytes.addAndGet(buffer.remaining()));
                opened.countDown(); // and asks for no more until the test says so
            }

            @Override
            public void onError(Throwable error) {
                ended.complete("reset: " + error);
            }

            @Override
            public void onComplete() {
                ended.complete("ended");
            }

            @Override
            public CompletionStage<Void> getBody() {
                return new CompletableFuture<>();
            }
        };
        // The JDK's client reads its windows when it opens a connection; only this client's are small.
        System.setProperty("jdk.httpclient.windowsize", String.valueOf(64 * 1024));
        System.setProperty("jdk.httpclient.connectionWindowSize", String.valueOf(64 * 1024));
        HttpClient stalledClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        try {
            stalledClient.sendAsync(HttpRequest.newBuilder(URI.create(base + "api/events"))
                    .header("Accept", "text/event-stream").header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString(AdminClient.ADMIN.getBytes(StandardCharsets.UTF_8))).GET().build(),
                    info -> {
                        version.complete(info.version());
                        return stalls;
                    });
            assertThat(opened.await(30, TimeUnit.SECONDS)).as("the stalled client's stream opened").isTrue();
        } finally {
            System.clearProperty("jdk.httpclient.windowsize");
            System.clearProperty("jdk.httpclient.connectionWindowSize");
        }
        assertThat(version.get(30, TimeUnit.SECONDS)).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(ended).as("the stream is open while the client keeps up").isNotDone();

        floodWhileAnotherClientReads(dir);

        // Reading again, the client gets what its window held and then the end of a stream the server reset;
        // a stream the server had kept would go on with the 4 MiB it held, and then with heartbeats.
        long before = bytes.get();
        reading.get().request(Long.MAX_VALUE);
        assertThat(ended.get(30, TimeUnit.SECONDS)).as("the stalled client's stream was ended by the server")
                .isNotNull();
        assertThat(bytes.get() - before).as("bytes after the client read again").isLessThan(1024 * 1024);
    }

    /**
     * A plugin emits 16 rounds of 512 KiB, each read by a second client before the next: about 8 MiB, more
     * than the kernel's buffers (about 1.7 MB here) and the 4 MiB backlog hold.
     */
    private void floodWhileAnotherClientReads(Path dir) throws Exception {
        AdminClient admin = new AdminClient(base);
        AtomicInteger bulk = new AtomicInteger();
        AtomicInteger rounds = new AtomicInteger();
        HttpResponse<InputStream> stream = admin.events(line -> {
            if (line.contains("\"name\":\"chatter:bulk\"")) {
                bulk.incrementAndGet();
            }
            if (line.contains("\"name\":\"chatter:done\"")) {
                synchronized (rounds) {
                    rounds.incrementAndGet();
                    rounds.notifyAll();
                }
            }
        });

        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("chatter").body("""
                private io.pluginhost.api.PluginContext context;
                public void initialize(io.pluginhost.api.PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    String block = "x".repeat(64 * 1024);
                    for (int i = 0; i < 8; i++) {
                        context.eventBus().emit("chatter:bulk", java.util.Map.of("i", i, "block", block));
                    }
                    context.eventBus().emit("chatter:done", java.util.Map.of());
                    return "sent";
                }
                """).build(dir));
        assertThat(admin.upload("chatter.jar", jar).statusCode()).isEqualTo(201);
        try {
            for (int round = 1; round <= 16; round++) {
                assertThat(admin.json("POST", "api/plugins/chatter/execute", "{}").body()).contains("sent");
                awaitAtLeast(rounds, round, "the reading client got round " + round + "; it got " + bulk.get()
                        + " bulk events");
            }
            assertThat(bulk.get()).isEqualTo(16 * 8);
        } finally {
            stream.body().close();
            admin.json("DELETE", "api/plugins/chatter", null);
            admin.json("DELETE", "api/jars/chatter.jar", null);
        }
    }

    /**
     * Every event reaches every reading client promptly, not only once a later event pushes it out (as
     * RESTEasy's asynchronous SSE writes did on WildFly 39, over HTTP/2 within a few bursts). Three
     * clients read, two over one HTTP/2 connection and one over HTTP/1.1, while a plugin emits 150 short
     * bursts, one after another; each burst's last event must reach every client before the next starts.
     */
    @Test
    void everyBurstReachesEveryReadingClientWithoutALaterEvent(@TempDir Path dir) throws Exception {
        AdminClient http2 = new AdminClient(base);
        int readers = 3;
        List<AtomicInteger> seen = new ArrayList<>();
        List<List<String>> got = new ArrayList<>();
        List<HttpResponse<InputStream>> streams = new ArrayList<>();
        RawEventStream http11 = RawEventStream.open(base, 0);
        for (int r = 0; r < readers; r++) {
            AtomicInteger rounds = new AtomicInteger();
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            seen.add(rounds);
            got.add(lines);
            java.util.function.Consumer<String> onLine = line -> {
                if (line.contains("burst:")) {
                    lines.add(line);
                }
                if (line.contains("\"name\":\"burst:end\"")) {
                    synchronized (rounds) {
                        rounds.incrementAndGet();
                        rounds.notifyAll();
                    }
                }
            };
            if (r < readers - 1) {
                streams.add(http2.events(onLine));
            } else {
                http11.read(onLine);
            }
        }
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("burst").body("""
                private io.pluginhost.api.PluginContext context;
                private int round;
                public void initialize(io.pluginhost.api.PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    round++;
                    for (int i = 0; i < 4; i++) {
                        context.eventBus().emit("burst:part", java.util.Map.of("round", round, "i", i));
                    }
                    context.eventBus().emit("burst:end", java.util.Map.of("round", round));
                    return "round " + round;
                }
                """).build(dir));
        assertThat(http2.upload("burst.jar", jar).statusCode()).isEqualTo(201);
        try {
            for (int round = 1; round <= 150; round++) {
                assertThat(http2.json("POST", "api/plugins/burst/execute", "{}").body()).contains("round " + round);
                for (int c = 0; c < readers; c++) {
                    awaitAtLeast(seen.get(c), round, "client " + c + " got round " + round + "'s last event; its"
                            + " last lines: " + lastLines(got.get(c)));
                }
            }
        } finally {
            for (HttpResponse<InputStream> stream : streams) {
                stream.body().close();
            }
            http11.close();
            http2.json("DELETE", "api/plugins/burst", null);
            http2.json("DELETE", "api/jars/burst.jar", null);
        }
    }

    /**
     * At most {@code pluginhost.events.max-clients} (8 in this suite's server) stream at once, as each
     * has a thread; one more gets 503 problem details. A client that went away without a word is found
     * by the heartbeat (1 s here) and frees its place, though no event comes.
     */
    @Test
    void pastTheMostClientsAStreamIsRefusedAndAGoneClientsPlaceIsFreedWithoutAnEvent() throws Exception {
        List<RawEventStream> open = new ArrayList<>();
        RawEventStream refused = null;
        try {
            for (int i = 0; i <= 8 && refused == null; i++) {
                RawEventStream stream = RawEventStream.open(base, 0);
                if (stream.refused()) {
                    refused = stream;
                } else {
                    assertThat(stream.head()).startsWith("HTTP/1.1 200");
                    open.add(stream);
                }
            }
            assertThat(refused).as("the ninth stream at the latest is refused").isNotNull();
            assertThat(refused.head()).contains("Retry-After: 10", "Content-Type: application/problem+json",
                    "pluginhost.events.max-clients");
            refused.close();
            assertThat(open).as("a stream of the test's own is open, to watch the heartbeats on").isNotEmpty();

            for (RawEventStream gone : open.subList(1, open.size())) {
                gone.close();
            }
            open.get(0).awaitHeartbeats(3);
            try (RawEventStream again = RawEventStream.open(base, 0)) {
                assertThat(again.refused()).as("a stream opens once the closed ones are found gone").isFalse();
            }
        } finally {
            leaveThePlacesFree(open);
        }
    }

    /**
     * Closes the streams, the first last, once its heartbeats show the server found the others gone:
     * the next test finds the places free.
     */
    private static void leaveThePlacesFree(List<RawEventStream> open) throws IOException {
        for (RawEventStream stream : open.subList(Math.min(1, open.size()), open.size())) {
            stream.close();
        }
        if (!open.isEmpty()) {
            try (RawEventStream witness = open.get(0)) {
                witness.awaitHeartbeats(3);
            }
        }
    }

    @Test
    void theStreamIsReadWithGetAndAnythingElseIsAProblem() throws Exception {
        HttpResponse<String> post = new AdminClient(base).json("POST", "api/events", "{}");

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(post.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/problem+json"));
        assertThat(post.body()).contains("\"status\":405");
    }

    /** Waits up to 10 s for the counter to reach {@code target} (the reader threads notify it). */
    private static void awaitAtLeast(AtomicInteger counter, int target, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (counter) {
            while (counter.get() < target) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                assertThat(left).as(what).isPositive();
                counter.wait(left);
            }
        }
    }

    private static String lastLines(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 6), lines.size()));
        }
    }

    /** Reads what the server sent until the end of the stream; @return false if it did not end within 30 s */
    private static boolean readToTheEnd(Socket socket) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (socket.getInputStream().read(buffer) >= 0) {
                // drained: the test only needs the end
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    private static String joined(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }
}
