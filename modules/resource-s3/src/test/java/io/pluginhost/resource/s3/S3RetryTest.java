package io.pluginhost.resource.s3;

import com.sun.net.httpserver.HttpServer;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.FilterInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload whose first attempt S3 answers with a retryable error is sent again, whatever stream the
 * plugin gave: the SDK cannot rewind a plugin's stream, so the host must not hand it one. Against a small
 * S3 endpoint that fails the first PUT of each object with 500 {@code InternalError}, as S3 itself may.
 */
class S3RetryTest {

    private HttpServer server;
    private final AtomicInteger puts = new AtomicInteger();
    /** The bodies of the PUTs answered 200, as they came (with the SDK's chunk framing). */
    private final List<String> stored = new CopyOnWriteArrayList<>();
    private S3RepositoryProvider provider;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean objectPut = exchange.getRequestMethod().equals("PUT")
                    && exchange.getRequestURI().getPath().chars().filter(c -> c == '/').count() >= 2;
            if (objectPut && puts.incrementAndGet() % 2 == 1) {
                byte[] error = "<Error><Code>InternalError</Code><Message>try again</Message></Error>"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(500, error.length);
                exchange.getResponseBody().write(error);
            } else {
                if (objectPut) {
                    stored.add(new String(body, StandardCharsets.ISO_8859_1));
                }
                exchange.getResponseHeaders().add("ETag", "\"0\"");
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        server.start();
        provider = new S3RepositoryProvider(new S3Connection(Optional.of(URI.create("http://127.0.0.1:"
                + server.getAddress().getPort())), "us-east-1", "key", "secret", true, false));
    }

    @AfterEach
    void stop() {
        provider.close();
        server.stop(0);
    }

    private S3Repository repository() {
        PluginDescriptor descriptor = new PluginDescriptor("files", "1", "", List.of(), List.of(), List.of(),
                List.of("files"));
        return provider.open(ResourceScope.of("files", EffectiveResources.of(descriptor, ResourceOverrides.NONE),
                (what, e) -> { throw new IllegalStateException(what, e); }));
    }

    /** A stream that cannot be rewound, as most a plugin has (a socket's, a decompressor's). */
    private static InputStream once(String text) {
        return new FilterInputStream(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    @Test
    void anUploadOfKnownLengthFromAStreamIsSentAgainAfterARetryableError() {
        String content = "a".repeat(300 * 1024) + "the end";

        repository().upload("big.txt", once(content), content.length(), "text/plain", "files");

        assertThat(puts).hasValue(2);
        assertThat(stored).singleElement().satisfies(body -> assertThat(body).contains("the end"));
    }

    @Test
    void anUploadOfUnknownLengthIsSentAgainToo() {
        String content = "b".repeat(1000) + "the end";

        assertThat(repository().upload("small.txt", once(content), "text/plain", "files"))
                .isEqualTo(content.length());

        assertThat(puts).hasValue(2);
        assertThat(stored).singleElement().satisfies(body -> assertThat(body).contains("the end"));
    }
}
