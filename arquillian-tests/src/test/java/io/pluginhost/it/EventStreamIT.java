package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
     * A console tab left open on a machine that stopped reading (asleep, or a proxy that buffers) must
     * hold no other client's events. The stalled client registers first, with a receive window of
     * about 1 KiB, and reads nothing more; a plugin then emits about 3 MiB of events, more than the
     * kernel's buffers between the two hold, so the stalled client's writes stop completing.
     */
    @Test
    void aClientThatStopsReadingHoldsNoOtherClientsEvents(@TempDir Path dir) throws Exception {
        AdminClient admin = new AdminClient(base);
        try (Socket stalled = stalledClient()) {
            AtomicInteger bulk = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            HttpResponse<InputStream> stream = admin.events(line -> {
                if (line.contains("\"name\":\"chatter:bulk\"")) {
                    bulk.incrementAndGet();
                }
                if (line.contains("\"name\":\"chatter:done\"")) {
                    done.countDown();
                }
            });

            byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("chatter").body("""
                    private io.pluginhost.api.PluginContext context;
                    public void initialize(io.pluginhost.api.PluginContext context) { this.context = context; }
                    public Object execute(Object in) {
                        String block = "x".repeat(64 * 1024);
                        for (int i = 0; i < 48; i++) {
                            context.eventBus().emit("chatter:bulk", java.util.Map.of("i", i, "block", block));
                        }
                        context.eventBus().emit("chatter:done", java.util.Map.of());
                        return "sent";
                    }
                    """).build(dir));
            assertThat(admin.upload("chatter.jar", jar).statusCode()).isEqualTo(201);
            try {
                assertThat(admin.json("POST", "api/plugins/chatter/execute", "{}").body()).contains("sent");
                assertThat(done.await(30, TimeUnit.SECONDS)).as("the reading client got every event; it got %d of"
                        + " 48 bulk events", bulk.get()).isTrue();
                assertThat(bulk.get()).isEqualTo(48);
            } finally {
                stream.body().close();
                admin.json("DELETE", "api/plugins/chatter", null);
                admin.json("DELETE", "api/jars/chatter.jar", null);
            }
        }
    }

    /** Opens the event stream on a raw socket, reads until the stream is ready, then reads no more. */
    private Socket stalledClient() throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(1024);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
        socket.setSoTimeout(30_000);
        String credentials = Base64.getEncoder().encodeToString(AdminClient.ADMIN.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().write(("GET " + base.getPath() + "api/events HTTP/1.1\r\nHost: " + base.getHost()
                + "\r\nAccept: text/event-stream\r\nAuthorization: Basic " + credentials + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf("\"stream\"") < 0) {
            int b = in.read();
            assertThat(b).as("the stalled client's stream opened: %s", seen).isNotNegative();
            seen.append((char) b);
        }
        return socket;
    }

    private static String joined(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }
}
