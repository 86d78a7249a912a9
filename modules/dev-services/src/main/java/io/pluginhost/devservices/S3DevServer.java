package io.pluginhost.devservices;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

import java.net.URI;

/**
 * An S3-compatible server (s3proxy over an in-memory store) on a free loopback port, with fixed
 * development credentials. Clients use path-style access. For tests and laptops; never production.
 */
public final class S3DevServer implements AutoCloseable {

    /** The development access key. */
    public static final String ACCESS_KEY = "pluginhost-dev";
    /** The development secret key. */
    public static final String SECRET_KEY = "pluginhost-dev-secret";

    private final S3Proxy proxy;
    private final URI endpoint;

    private S3DevServer(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    /**
     * @return a started server with an empty in-memory store
     * @throws Exception if it does not start
     */
    public static S3DevServer start() throws Exception {
        URI endpoint = URI.create("http://127.0.0.1:" + LoopbackPorts.free());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("s3proxy did not start; state " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return new S3DevServer(proxy, endpoint);
    }

    /** @return the endpoint, e.g. {@code http://127.0.0.1:43211} */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
