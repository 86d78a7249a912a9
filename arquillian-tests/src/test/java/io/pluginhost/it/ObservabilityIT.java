package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** WildFly's own observability endpoints, added by the build's offline CLI step: OpenAPI. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ObservabilityIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAdminApiIsDescribedByAnOpenApiDocument() throws Exception {
        HttpResponse<String> document = get("http://127.0.0.1:8080/openapi");

        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).contains("/plugins/{name}", "/jars/{file}", "/events");
    }
}
