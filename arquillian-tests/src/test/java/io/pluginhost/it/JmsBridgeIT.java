package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
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
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

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

    private String execute(String plugin) throws Exception {
        return admin("POST", "api/plugins/" + plugin + "/execute", "application/json",
                HttpRequest.BodyPublishers.ofString("null")).body();
    }

    private String seen() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(foreign + "seen")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void await(Supplier<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void foreignEventsArriveOnceAndOwnEventsGoOutButDoNotComeBack() throws Exception {
        byte[] listener = Files.readAllBytes(PluginJarBuilder.plugin("cluster-listener").body("""
                private final java.util.concurrent.atomic.AtomicInteger heard = new java.util.concurrent.atomic.AtomicInteger();
                private final java.util.concurrent.atomic.AtomicInteger markers = new java.util.concurrent.atomic.AtomicInteger();
                public void initialize(PluginContext context) {
                    context.eventBus().on("cluster:*", e -> (e.name().equals("cluster:marker") ? markers : heard).incrementAndGet());
                }
                public Object execute(Object in) { return "heard=" + heard.get() + " markers=" + markers.get(); }
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
        await(() -> call(() -> execute("cluster-listener")).contains("markers=1"), "the first marker");
        assertThat(execute("cluster-listener")).contains("heard=1 ");

        // A local event is delivered locally, goes out on the topic, and is not delivered again.
        assertThat(execute("cluster-emitter")).contains("sent");
        await(() -> call(this::seen).contains(" cluster:local"), "the local event on the topic");
        // The broker had routed the local event to this node's subscription before the marker.
        sendForeign("cluster:marker");
        await(() -> call(() -> execute("cluster-listener")).contains("markers=2"), "the second marker");
        assertThat(execute("cluster-listener")).contains("heard=2 ");

        // The foreign event was not sent out again by this node: the recorder takes the topic in order
        // too, so once it has the second marker it has everything this node sent before.
        await(() -> call(this::seen).lines().filter(line -> line.endsWith(" cluster:marker")).count() == 2,
                "the second marker on the topic");
        long hellos = Arrays.stream(seen().split("\n")).filter(line -> line.endsWith(" cluster:hello")).count();
        assertThat(hellos).isEqualTo(1);
        assertThat(seen()).doesNotContain("other-node cluster:local");
    }

    /** Puts an event on the cluster topic as the node {@code other-node} would. */
    private void sendForeign(String name) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(foreign + "send?name=" + name + "&origin=other-node"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\": 1}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String call(ThrowingSupplier supplier) {
        try {
            return supplier.get();
        } catch (Exception e) {
            return "";
        }
    }

    private interface ThrowingSupplier {
        String get() throws Exception;
    }
}
