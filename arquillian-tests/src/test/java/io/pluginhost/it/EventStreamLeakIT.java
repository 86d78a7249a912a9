package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leak found in the real server: with clients on the event stream, a plugin that emits and is
 * then unloaded stayed in memory, pinned by a worker thread the container created inside the
 * plugin's emit. Three stream clients, 24 concurrent emits, unload: nothing may stay behind.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EventStreamLeakIT {

    private static final int CLIENTS = 3;
    private static final int EMITS = 24;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    @Test
    void aPluginThatEmittedToStreamClientsIsCollectedAfterUnload() throws Exception {
        AdminClient admin = new AdminClient(base);
        CountDownLatch ready = new CountDownLatch(CLIENTS);
        CountDownLatch delivered = new CountDownLatch(CLIENTS); // each client saw the plugin's events
        List<HttpResponse<InputStream>> streams = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + EMITS);
        try {
            for (int i = 0; i < CLIENTS; i++) {
                HttpResponse<InputStream> stream = admin.stream("api/events");
                streams.add(stream);
                pool.submit(() -> read(stream, ready, delivered));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).as("streams open").isTrue();

            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> executes = new ArrayList<>();
            for (int i = 0; i < EMITS; i++) {
                executes.add(pool.submit(() -> {
                    start.await();
                    return admin.json("POST", "api/plugins/example-plugin-2/execute", "{\"numbers\": [1, 2]}");
                }));
            }
            start.countDown();
            for (Future<HttpResponse<String>> execute : executes) {
                assertThat(execute.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(delivered.await(30, TimeUnit.SECONDS)).as("every client received the plugin's events").isTrue();

            assertThat(admin.json("DELETE", "api/plugins/example-plugin-2", null).statusCode()).isEqualTo(200);

            String diagnostic = admin.json("POST", "api/diagnostics/unloaded-not-collected", null).body();
            assertThat(diagnostic).contains("\"count\":0");
            // The heap-dump verdict agrees, from the real server's heap.
            HttpResponse<String> verdicts = admin.json("POST", "api/diagnostics/leak-verdicts", null);
            assertThat(verdicts.statusCode()).as(verdicts.body()).isEqualTo(200);
            assertThat(verdicts.body()).contains("\"count\":0");
        } finally {
            for (HttpResponse<InputStream> stream : streams) {
                stream.body().close();
            }
            pool.shutdownNow();
            admin.json("POST", "api/plugins", "{\"jar\": \"example-plugin-2.jar\"}"); // back for later tests
        }
    }

    private static Void read(HttpResponse<InputStream> stream, CountDownLatch ready, CountDownLatch delivered) {
        boolean counted = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.contains("\"stream\"")) {
                    ready.countDown();
                } else if (line.contains("\"name\":\"stats:computed\"") && !counted) {
                    counted = true;
                    delivered.countDown();
                }
            }
        } catch (Exception closed) {
            // the test closes the stream
        }
        return null;
    }
}
