package io.pluginhost.it.support;

import io.pluginhost.devservices.DevHost;
import io.pluginhost.devservices.DevServices;
import io.pluginhost.devservices.KafkaDevServer;
import io.pluginhost.devservices.PostgresDevServer;
import io.pluginhost.devservices.S3DevServer;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts Kafka, the S3 server and PostgreSQL once, before any test (and so before Arquillian reads
 * {@code arquillian.xml} and starts WildFly), and publishes where they are as system properties
 * that {@code arquillian.xml} passes on to the server (which logs in to Kafka by SASL), with the
 * server's own port offset ({@link ServerPorts}). Stops them after the last test.
 */
public final class DevServicesAroundTheSuite implements LauncherSessionListener {

    private static DevServices services;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        // A copy left in the scanner directory (by the run command) would clash with Arquillian's deployment.
        String home = System.getProperty("jboss.home");
        if (home != null) {
            DevHost.removeDeployment(Path.of(home, "standalone", "deployments"));
        }
        // A broken jar beside the examples: the host must report and skip it and load the rest.
        String plugins = System.getProperty("pluginhost.plugin-dir");
        if (plugins != null) {
            try {
                Files.createDirectories(Path.of(plugins));
                Files.writeString(Path.of(plugins, "broken.jar"), "not a zip file");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ServerPorts.choose();
        try {
            services = DevServices.start();
        } catch (Exception e) {
            throw new IllegalStateException("dev services did not start", e);
        }
        System.setProperty("it.pg.url", PostgresDevServer.jdbcUrl());
        System.setProperty("it.kafka.bootstrap-servers", services.kafka().bootstrapServers());
        // The server logs in to Kafka, as in production; the tests' own clients use the plain listener.
        System.setProperty("it.kafka.sasl-bootstrap-servers", services.kafka().saslBootstrapServers());
        System.setProperty("it.kafka.sasl-user", KafkaDevServer.SASL_USER);
        System.setProperty("it.kafka.sasl-password", KafkaDevServer.SASL_PASSWORD);
        System.setProperty("it.s3.endpoint", services.s3().endpoint().toString());
        System.setProperty("it.s3.access-key", S3DevServer.ACCESS_KEY);
        System.setProperty("it.s3.secret-key", S3DevServer.SECRET_KEY);
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (services != null) {
            services.close();
        }
    }
}
