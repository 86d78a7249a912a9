package io.pluginhost.testkit;

import io.pluginhost.devservices.KafkaDevServer;
import io.pluginhost.devservices.PostgresDevServer;
import io.pluginhost.devservices.S3DevServer;
import io.pluginhost.resource.kafka.KafkaConnection;
import io.pluginhost.resource.kafka.KafkaRepositoryProvider;
import io.pluginhost.resource.s3.S3Connection;
import io.pluginhost.resource.s3.S3RepositoryProvider;
import io.pluginhost.runtime.HostServices;

import javax.sql.DataSource;
import java.util.List;
import java.util.Optional;

/**
 * The kit's only use of the optional dev services: kept apart so a plugin's tests that use neither
 * Kafka, S3 nor PostgreSQL never load these classes and need none of those jars.
 */
final class DevServicesBridge {

    private DevServicesBridge() {
    }

    static DataSource postgres() {
        try {
            return PostgresDevServer.dataSource();
        } catch (NoClassDefFoundError e) {
            throw missing("PostgreSQL", e);
        }
    }

    static HostServices start(HostServices services, boolean kafka, boolean s3, List<AutoCloseable> opened) {
        try {
            HostServices with = services;
            if (kafka) {
                KafkaDevServer broker = KafkaDevServer.start();
                opened.add(broker);
                KafkaRepositoryProvider provider = new KafkaRepositoryProvider(
                        KafkaConnection.forDevelopment(broker.bootstrapServers()), r -> {
                            Thread t = new Thread(r, "testkit-kafka-poll");
                            t.setDaemon(true);
                            return t;
                        });
                opened.add(provider);
                with = with.withKafka(provider);
            }
            if (s3) {
                S3DevServer server = S3DevServer.start();
                opened.add(server);
                S3RepositoryProvider provider = new S3RepositoryProvider(new S3Connection(Optional.of(server.endpoint()),
                        "us-east-1", S3DevServer.ACCESS_KEY, S3DevServer.SECRET_KEY, true, true));
                opened.add(provider);
                with = with.withS3(provider);
            }
            return with;
        } catch (NoClassDefFoundError e) {
            throw missing(kafka ? "Kafka" : "S3", e);
        } catch (Exception e) {
            throw new IllegalStateException("plugin test kit: a dev service did not start: " + e, e);
        }
    }

    private static IllegalStateException missing(String what, Throwable e) {
        return new IllegalStateException("plugin test kit: " + what + " needs io.pluginhost:dev-services (and"
                + " resource-kafka / resource-s3) as test dependencies", e);
    }
}
