package io.pluginhost.devservices;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * Kafka and the S3 server together, as tests, the run command and a developer start them. As a
 * program it keeps them running until the JVM is stopped (Ctrl-C), printing what a host needs to
 * reach them: {@code mvn -q -pl modules/dev-services exec:java}.
 */
public final class DevServices implements AutoCloseable {

    private final KafkaDevServer kafka;
    private final S3DevServer s3;

    private DevServices(KafkaDevServer kafka, S3DevServer s3) {
        this.kafka = kafka;
        this.s3 = s3;
    }

    /**
     * @return Kafka and S3, started
     * @throws Exception if one does not start (the other is stopped again)
     */
    public static DevServices start() throws Exception {
        // Side by side: each spends most of its start waiting on its own threads, not on the CPU.
        CompletableFuture<S3DevServer> s3 = CompletableFuture.supplyAsync(() -> {
            try {
                return S3DevServer.start();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        KafkaDevServer kafka;
        try {
            kafka = KafkaDevServer.start();
        } catch (Exception e) {
            s3.thenAccept(server -> {
                try {
                    server.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            });
            throw e;
        }
        try {
            return new DevServices(kafka, s3.join());
        } catch (CompletionException e) {
            kafka.close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** @return the Kafka broker */
    public KafkaDevServer kafka() {
        return kafka;
    }

    /** @return the S3 server */
    public S3DevServer s3() {
        return s3;
    }

    /** Stops S3, then Kafka. */
    @Override
    public void close() {
        try {
            s3.close();
        } catch (Exception e) {
            System.err.println("stopping S3: " + e);
        }
        kafka.close();
    }

    /**
     * @param args ignored
     * @throws Exception if a service does not start
     */
    public static void main(String[] args) throws Exception {
        DevServices services = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            services.close();
            stopped.countDown();
        }, "dev-services-shutdown"));
        System.out.println("Kafka bootstrap servers: " + services.kafka().bootstrapServers());
        System.out.println("S3 endpoint:             " + services.s3().endpoint() + " (path-style, region us-east-1)");
        System.out.println("S3 access key:           " + S3DevServer.ACCESS_KEY);
        System.out.println("S3 secret key:           " + S3DevServer.SECRET_KEY);
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }
}
