package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator changed over REST survives a restart of the host: overrides, settings, and which
 * plugins were unloaded. The host is restarted by undeploying and deploying it again (the engine, the
 * plugins and all their state live in the deployment; only the state file in the plugin directory
 * remains), which runs the same start-up as a server restart.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestartIT {

    private static final String HOST = "restartable-host";

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = HOST, managed = false, testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private final AdminClient admin = new AdminClient(url("http://127.0.0.1:8080/pluginhost/"));

    private static URL url(String text) {
        try {
            return new URL(text);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private HttpResponse<String> json(String method, String path, String body) throws Exception {
        return admin.json(method, path, body);
    }

    @Test
    void overridesSettingsAndUnloadedPluginsAreTheSameAfterARestart() throws Exception {
        deployer.deploy(HOST);
        try {
            assertThat(json("PUT", "api/plugins/example-plugin-repository/overrides",
                    "{\"tableNameMap\": {\"note_tags\": \"tags_kept\"}}").statusCode()).isEqualTo(200);
            assertThat(json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Servus\"}").statusCode())
                    .isEqualTo(200);
            assertThat(json("DELETE", "api/plugins/example-plugin-2", null).statusCode()).isEqualTo(200);

            deployer.undeploy(HOST);
            deployer.deploy(HOST);

            assertThat(json("GET", "api/plugins/example-plugin-repository", null).body())
                    .contains("\"note_tags\":\"example-plugin-repository_tags_kept\"");
            assertThat(json("POST", "api/plugins/example-plugin-1/execute", "\"Wien\"").body()).contains("Servus, Wien!");
            assertThat(json("GET", "api/plugins/example-plugin-2", null).statusCode()).as("stays unloaded").isEqualTo(404);
            assertThat(json("GET", "api/jars", null).body()).contains("\"file\":\"example-plugin-2.jar\"",
                    "\"state\":\"UNLOADED\"");
        } finally {
            // Leave the state as the other tests expect it: everything loaded, nothing overridden.
            json("POST", "api/plugins", "{\"jar\": \"example-plugin-2.jar\"}");
            json("DELETE", "api/plugins/example-plugin-repository/overrides", null);
            json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Hello\"}");
            deployer.undeploy(HOST);
        }
    }
}
