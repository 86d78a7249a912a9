package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.Management;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redeploys of the host do not pile up in the server: a redeploy (a new version of the EAR, a server
 * {@code :reload}) must not keep the old deployment's classes, or each one costs the server
 * the host's classes again (about 4,500 with its libraries) until it runs out of metaspace. The server
 * counts its loaded classes after a full collection: after several deploy, use, undeploy cycles, what
 * stays must not grow with them, where deployments kept alive by anything (a thread, a JDK cache, a
 * registered driver or MBean, a shutdown hook) would each keep all of their own.
 *
 * <p>The client speaks HTTP/1.1. Over HTTP/2, Undertow keeps each stream the client resets (an event
 * stream it closes) in a cache of its connection, with the exchange and so the deployment, for as long
 * as the connection stays open: that is the server's, not the host's (see README, Known limits).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RedeployIT {

    private static final String HOST = "redeployed-host";
    private static final int CYCLES = 3;

    @ArquillianResource
    Deployer deployer;

    @ArquillianResource
    ManagementClient management;

    @TempDir
    Path dir;

    @Deployment(name = HOST, managed = false, testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private final AdminClient admin = AdminClient.ofUndeployedHost(
            java.net.http.HttpClient.Version.HTTP_1_1);

    @Test
    void redeploysOfTheHostDoNotPileUpInTheServer() throws Exception {
        cycle(0, false); // the first cycle loads what the server keeps once (H2 pins its first user)
        long before = loadedClassesAfterFullGc();

        // The classes a deployment loads, counted as loads: the classes held before and while it runs differ by
        // less where an idle pool thread held the first deployment at the first count and let it go meanwhile.
        long loadedBefore = classCount("total-loaded-class-count");
        long oneDeployment = cycle(1, true) - loadedBefore;
        for (int cycle = 2; cycle <= CYCLES; cycle++) {
            cycle(cycle, false);
        }
        long left = loadedClassesAfterFullGc() - before;

        assertThat(oneDeployment).as("classes the host's deployment loads").isGreaterThan(1_000);
        // An idle pool thread may hold the last task it ran, and so one deployment, until it runs another
        // (README, Known limits): one may stay, but three redeploys must not keep three.
        assertThat(left).as("classes left after %d redeploys, where one deployment holds %d", CYCLES,
                oneDeployment).isLessThan(oneDeployment * 3 / 2);
    }

    /**
     * Deploys the host, uses it and undeploys it, whatever happens: a host left deployed would hold
     * {@code /pluginhost} against the next test class's.
     *
     * @return how many classes the server had loaded since it started while the host was deployed, if
     *         {@code count}, else 0
     */
    private long cycle(int cycle, boolean count) throws Exception {
        deployer.deploy(HOST);
        try {
            use(cycle);
            return count ? classCount("total-loaded-class-count") : 0;
        } finally {
            deployer.undeploy(HOST);
        }
    }

    /**
     * What an operator does with a running host: plugins with a library and a database, an upload whose
     * scheduled task runs (counted as a request of the server while it does), events.
     */
    private void use(int cycle) throws Exception {
        assertThat(admin.json("POST", "api/plugins/example-plugin-2/execute", "{\"numbers\": [1, 2]}").body())
                .contains("\"sum\":3.0");
        assertThat(admin.json("POST", "api/plugins/example-plugin-repository/execute",
                "{\"id\": " + (100 + cycle) + ", \"body\": \"redeployed\", \"tags\": [\"ee\"]}").statusCode())
                .isEqualTo(200);
        String name = "redeployed" + cycle;
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin(name).body("""
                private final java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
                public void initialize(PluginContext context) {
                    context.scheduler().scheduleAtFixedRate(java.time.Duration.ZERO, java.time.Duration.ofMillis(10),
                            ran::countDown);
                }
                public Object execute(Object in) throws InterruptedException {
                    return ran.await(30, java.util.concurrent.TimeUnit.SECONDS) ? "served" : "its task never ran";
                }""").build(Files.createDirectories(dir.resolve(name))));
        assertThat(admin.upload(name + ".jar", jar).statusCode()).isEqualTo(201);
        assertThat(admin.json("POST", "api/plugins/" + name + "/execute", "null").body()).contains("served");
        HttpResponse<InputStream> events = admin.stream("api/events");
        assertThat(events.statusCode()).isEqualTo(200);
        events.body().close();
        assertThat(admin.json("DELETE", "api/plugins/" + name, null).statusCode()).isEqualTo(200);
        assertThat(admin.json("DELETE", "api/jars/" + name + ".jar", null).statusCode()).isEqualTo(204);
    }

    private long loadedClassesAfterFullGc() throws IOException {
        for (int i = 0; i < 3; i++) {
            platform("memory", "gc");
        }
        return classCount("loaded-class-count");
    }

    /** @return an attribute of the server's class loading: {@code loaded-class-count}, {@code total-...} */
    private long classCount(String attribute) throws IOException {
        ModelNode read = operation("class-loading", "read-attribute");
        read.get("name").set(attribute);
        return execute(read).asLong();
    }

    private void platform(String type, String name) throws IOException {
        execute(operation(type, name));
    }

    private static ModelNode operation(String type, String name) {
        ModelNode operation = new ModelNode();
        operation.get("operation").set(name);
        operation.get("address").add("core-service", "platform-mbean");
        operation.get("address").add("type", type);
        return operation;
    }

    private ModelNode execute(ModelNode operation) throws IOException {
        return Management.execute(management, operation);
    }
}
