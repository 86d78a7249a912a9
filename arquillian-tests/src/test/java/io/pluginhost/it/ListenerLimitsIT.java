package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host that accepts larger jars than WildFly's HTTP listeners let through: Undertow answers such an
 * upload with a bare 400 before the host sees it, so the host says so when it starts, reading the
 * listeners from the server's management model.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ListenerLimitsIT {

    private static final String HOST = "host-accepting-2-gib";

    @ArquillianResource
    Deployer deployer;

    /** The host, with {@code pluginhost.upload.max-bytes} above the 1 GiB {@code configure.cli} gives the listeners. */
    @Deployment(name = HOST, managed = false, testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar().addAsLibrary(ShrinkWrap.create(JavaArchive.class, "upload-limit-config.jar")
                .addAsManifestResource(new StringAsset("pluginhost.upload.max-bytes=2147483648\n"),
                        "microprofile-config.properties"));
    }

    @Test
    void aListenerThatRefusesJarsTheHostAcceptsIsNamedAtStartWithTheCommandThatRaisesItsLimit() throws Exception {
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        long mark = Files.size(log);
        deployer.deploy(HOST);
        deployer.undeploy(HOST);

        String written;
        try (var in = Files.newInputStream(log)) {
            in.skipNBytes(Math.min(mark, Files.size(log))); // a log rotated at midnight starts again
            written = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(written).contains("pluginhost.upload.max-bytes is 2147483648, but Undertow's http-listener"
                        + " 'default' (server 'default-server') has max-post-size 1073741824",
                "/subsystem=undertow/server=default-server/http-listener=default:write-attribute(name=max-post-size,"
                        + " value=2147483648)",
                "https-listener 'https'");
    }
}
