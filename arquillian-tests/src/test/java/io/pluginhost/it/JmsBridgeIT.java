package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.ServerLatch;
import io.pluginhost.it.foreign.ForeignNode;
import io.pluginhost.it.foreign.TopicRecorder;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JMS bridge: an event from another node reaches a local plugin exactly once; this node's own
 * events go out on the topic and are not delivered back. A second deployment plays the other node.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JmsBridgeIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    @OperateOnDeployment("host")
    URL host;

    @ArquillianResource
    @OperateOnDeployment("foreign")
    URL foreign;

    @TempDir
    Path dir;

    @Deployment(name = "host", order = 1, testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    @Deployment(name = "foreign", order = 2, testable = false)
    static WebArchive foreignNode() {
        return ShrinkWrap.create(WebArchive.class, "foreign-node.war").addClasses(ForeignNode.class, TopicRecorder.class);
    }

    private HttpResponse<String> admin(String method, String path, String type, HttpRequest.BodyPublisher body)
            throws Exception {
        return new AdminClient(host).send(AdminClient.ADMIN, method, path, type, body);
    }

    /** Executes the plugin with {@code input} as its JSON input; answers the body. */
    private String execute(String plugin, Object input) throws Exception {
        return admin("POST", "api/plugins/" + plugin + "/execute", "application/json",
                HttpRequest.BodyPublishers.ofString(String.valueOf(input))).body();
    }

    private String execute(String plugin) throws Exception {
        return execute(plugin, null);
    }

    private String seen() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(foreign + "seen")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** What crossed the topic, once {@code count} events named {@code name} have (the foreign node waits). */
    private String seen(String name, int count) throws Exception {
        HttpResponse<String> seen = http.send(HttpRequest.newBuilder(URI.create(foreign + "seen?await=" + name
                + "&count=" + count)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(seen.statusCode()).as("%d x %s on the topic within 30 s: %s", count, name, seen.body()).isEqualTo(200);
        return seen.body();
    }

    @Test
    void foreignEventsArriveOnceAndOwnEventsGoOutButDoNotComeBack() throws Exception {
        byte[] listener = Files.readAllBytes(PluginJarBuilder.plugin("cluster-listener").body("""
                private int heard;
                private int markers;
                public void initialize(PluginContext context) {
                    context.eventBus().on("cluster:*", e -> {
                        synchronized (this) {
                            if (e.name().equals("cluster:marker")) { markers++; } else { heard++; }
                            notifyAll();
                        }
                    });
                }
                // Input n: first wait (at most 30 s) until n markers have arrived.
                public synchronized Object execute(Object in) {
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    int want = in instanceof Number n ? n.intValue() : 0;
                    try {
                        while (markers < want && System.nanoTime() < deadline) {
                            wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "heard=" + heard + " markers=" + markers;
                }
                """).build(dir));
        byte[] emitter = Files.readAllBytes(PluginJarBuilder.plugin("cluster-emitter").body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) { context.eventBus().emit("cluster:local", Map.of("n", 1)); return "sent"; }
                """).build(dir));
        assertThat(admin("PUT", "api/jars/cluster-listener.jar", "application/java-archive",
                HttpRequest.BodyPublishers.ofByteArray(listener)).statusCode()).isEqualTo(201);
        assertThat(admin("PUT", "api/jars/cluster-emitter.jar", "application/java-archive",
                HttpRequest.BodyPublishers.ofByteArray(emitter)).statusCode()).isEqualTo(201);

        // An event from another node reaches the local listener once.
        sendForeign("cluster:hello");
        // Delivery from the topic is in order (one session), so once a marker sent afterwards has
        // arrived, a second delivery of the event would have arrived before it.
        sendForeign("cluster:marker");
        assertThat(execute("cluster-listener", 1)).contains("heard=1 markers=1");

        // A local event is delivered locally, goes out on the topic, and is not delivered again.
        assertThat(execute("cluster-emitter")).contains("sent");
        assertThat(seen("cluster:local", 1)).contains(" cluster:local");
        // The broker had routed the local event to this node's subscription before the marker.
        sendForeign("cluster:marker");
        assertThat(execute("cluster-listener", 2)).contains("heard=2 markers=2");

        // The foreign event was not sent out again by this node: the recorder takes the topic in order
        // too, so once it has the second marker it has everything this node sent before.
        seen("cluster:marker", 2);
        long hellos = Arrays.stream(seen().split("\n")).filter(line -> line.endsWith(" cluster:hello")).count();
        assertThat(hellos).isEqualTo(1);
        assertThat(seen()).doesNotContain("other-node cluster:local");
    }

    /**
     * A plugin's listener that never returns on an event from another node holds a host thread, not
     * the JMS session: past {@code pluginhost.events.remote-delivery-timeout} (2 s in the suite) the
     * host gives that thread up, and the events behind it reach the plugins.
     */
    @Test
    void aListenerThatHangsOnAnEventFromAnotherNodeDoesNotStopTheOthersEvents() throws Exception {
        ServerLatch release = ServerLatch.of("remote-listener", 1);
        ServerLatch heard = ServerLatch.of("remote-heard", 1);
        byte[] stuck = Files.readAllBytes(PluginJarBuilder.plugin("remote-stuck").body("""
                public void initialize(PluginContext context) {
                    context.eventBus().on("remote:hang", e -> %s);
                }
                public Object execute(Object in) {
                    %s
                    return "released";
                }
                """.formatted(release.awaitIgnoringInterrupts(), release.countDown())).build(dir));
        byte[] counter = Files.readAllBytes(PluginJarBuilder.plugin("remote-counter").body("""
                public void initialize(PluginContext context) {
                    context.eventBus().on("remote:after", e -> %s);
                }
                public Object execute(Object in) throws Exception {
                    return "heard=" + %s;
                }
                """.formatted(heard.countDown().replace(";", ""), heard.openedWithin30Seconds())).build(dir));
        assertThat(admin("PUT", "api/jars/remote-stuck.jar", "application/java-archive",
                HttpRequest.BodyPublishers.ofByteArray(stuck)).statusCode()).isEqualTo(201);
        assertThat(admin("PUT", "api/jars/remote-counter.jar", "application/java-archive",
                HttpRequest.BodyPublishers.ofByteArray(counter)).statusCode()).isEqualTo(201);
        try {
            sendForeign("remote:hang");
            sendForeign("remote:after"); // waits behind the stuck delivery until the host gives it up
            assertThat(execute("remote-counter")).as("the event after the stuck one").contains("heard=true");
        } finally {
            execute("remote-stuck");
            admin("DELETE", "api/plugins/remote-stuck", null, HttpRequest.BodyPublishers.noBody());
            admin("DELETE", "api/plugins/remote-counter", null, HttpRequest.BodyPublishers.noBody());
        }
    }

    /** Puts an event on the cluster topic as the node {@code other-node} would. */
    private void sendForeign(String name) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(foreign + "send?name=" + name + "&origin=other-node"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\": 1}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
