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
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server-sent-events stream showing plugins' bus events and lifecycle events as they happen
 * inside WildFly (which also proves both are CDI events: the stream is a CDI observer).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EventStreamIT {

    private final HttpClient http = HttpClient.newHttpClient();

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
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch computed = new CountDownLatch(1);
        CountDownLatch loaded = new CountDownLatch(1);
        HttpResponse<InputStream> stream = new AdminClient(base).stream("api/events");
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    if (line.contains("\"stream\"")) {
                        ready.countDown();
                    }
                    if (line.contains("stats:computed")) {
                        computed.countDown();
                    }
                    if (line.contains("\"kind\":\"LOADED\"")) {
                        loaded.countDown();
                    }
                }
            } catch (Exception closed) {
                // the test closes the stream
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        assertThat(ready.await(30, TimeUnit.SECONDS)).as("stream opened").isTrue();

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

    private static String joined(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }
}
