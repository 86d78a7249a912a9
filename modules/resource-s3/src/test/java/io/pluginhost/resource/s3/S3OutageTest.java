package io.pluginhost.resource.s3;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.devservices.HungServer;
import io.pluginhost.devservices.S3DevServer;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * S3 going away: a call fails typed within the call timeout (the {@code @Timeout}s are liveness
 * guards, well above the bounds), the same repository works again when the server is back, with the
 * same objects, and a server that accepts and never answers costs one bounded failure.
 */
class S3OutageTest {

    private static S3Repository repository(S3RepositoryProvider provider, String plugin) {
        PluginDescriptor descriptor = new PluginDescriptor(plugin, "1", "", List.of(), List.of(), List.of(),
                List.of("files"));
        return provider.open(ResourceScope.of(plugin, EffectiveResources.of(descriptor, ResourceOverrides.NONE),
                (what, e) -> { }));
    }

    private static S3Connection connection(URI endpoint) {
        return new S3Connection(Optional.of(endpoint), "us-east-1", S3DevServer.ACCESS_KEY, S3DevServer.SECRET_KEY,
                true, true, Duration.ofSeconds(4), Duration.ofSeconds(1));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theReadinessProbeSaysWhetherTheServerAnswers() throws Exception {
        try (S3DevServer server = S3DevServer.start();
             S3RepositoryProvider provider = new S3RepositoryProvider(connection(server.endpoint()))) {
            assertThat(provider.unreachable()).isEmpty();

            server.stop();
            try {
                assertThat(provider.unreachable()).hasValueSatisfying(why -> assertThat(why).isNotBlank());
            } finally {
                server.restart();
            }
            assertThat(provider.unreachable()).isEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aCallDuringAnOutageFailsTypedAndTheSameRepositoryWorksWhenTheServerIsBack() throws Exception {
        try (S3DevServer server = S3DevServer.start();
             S3RepositoryProvider provider = new S3RepositoryProvider(connection(server.endpoint()))) {
            S3Repository files = repository(provider, "outage");
            files.upload("kept.txt", "before".getBytes(StandardCharsets.UTF_8), "text/plain", "files");

            server.stop();
            try {
                assertThatThrownBy(() -> files.upload("lost.txt", new byte[1], "text/plain", "files"))
                        .isInstanceOf(PluginException.class).hasMessageContaining("plugin 'outage'");
            } finally {
                server.restart();
            }

            assertThat(files.download("kept.txt", "files")).map(o -> new String(o.content(), StandardCharsets.UTF_8))
                    .contains("before");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aServerThatHangsCostsOneBoundedFailure() throws Exception {
        try (HungServer hung = HungServer.start();
             S3RepositoryProvider provider = new S3RepositoryProvider(connection(
                     URI.create("http://127.0.0.1:" + hung.port())))) {
            S3Repository files = repository(provider, "hung"); // loads anyway: the bucket check is logged

            assertThatThrownBy(() -> files.exists("x", "files"))
                    .isInstanceOf(PluginException.class).hasMessageContaining("plugin 'hung'");
        }
    }
}
