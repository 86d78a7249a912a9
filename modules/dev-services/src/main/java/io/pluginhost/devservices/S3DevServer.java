package io.pluginhost.devservices;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.gaul.s3proxy.blobstore.BlobStore;

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

    private final BlobStore store;
    private final URI endpoint;
    private S3Proxy proxy;

    private S3DevServer(BlobStore store, URI endpoint) {
        this.store = store;
        this.endpoint = endpoint;
    }

    /**
     * @return a started server with an empty in-memory store
     * @throws Exception if it does not start
     */
    public static S3DevServer start() throws Exception {
        S3DevServer server = new S3DevServer(new TransientNio2BlobStore(),
                URI.create("http://127.0.0.1:" + LoopbackPorts.free()));
        server.restart();
        return server;
    }

    /** Stops serving and keeps the objects and the port, as an outage would, until {@link #restart()}. */
    public synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    /**
     * Serves the same objects on the same port again.
     *
     * @throws Exception if it does not start within 30 s
     */
    public synchronized void restart() throws Exception {
        if (proxy != null) {
            return;
        }
        S3Proxy started = S3Proxy.builder()
                .blobStore(store)
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        started.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(started.getState())) {
            if (System.nanoTime() > deadline) {
                started.stop();
                throw new IllegalStateException("s3proxy did not start; state " + started.getState());
            }
            Thread.sleep(20);
        }
        proxy = started;
    }

    /** @return the endpoint, e.g. {@code http://127.0.0.1:43211} */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
