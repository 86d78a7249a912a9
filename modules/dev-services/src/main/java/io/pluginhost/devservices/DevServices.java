package io.pluginhost.devservices;

import java.util.concurrent.CountDownLatch;

/**
 * Starts Kafka and the S3 server on loopback and keeps them running until the JVM is stopped
 * (Ctrl-C), printing what a host needs to reach them. Run with
 * {@code mvn -q -pl modules/dev-services exec:java}.
 */
public final class DevServices {

    private DevServices() {
    }

    /**
     * @param args ignored
     * @throws Exception if a service does not start
     */
    public static void main(String[] args) throws Exception {
        KafkaDevServer kafka = KafkaDevServer.start();
        S3DevServer s3 = S3DevServer.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                s3.close();
            } catch (Exception e) {
                System.err.println("stopping S3: " + e);
            }
            kafka.close();
            stopped.countDown();
        }, "dev-services-shutdown"));
        System.out.println("Kafka bootstrap servers: " + kafka.bootstrapServers());
        System.out.println("S3 endpoint:             " + s3.endpoint() + " (path-style, region us-east-1)");
        System.out.println("S3 access key:           " + S3DevServer.ACCESS_KEY);
        System.out.println("S3 secret key:           " + S3DevServer.SECRET_KEY);
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }
}
