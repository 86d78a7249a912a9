package io.pluginhost.it.support;

import io.pluginhost.devservices.WildFlyPorts;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The ports of the WildFly Arquillian starts: its standard ports moved by one offset
 * ({@code jboss.socket.binding.port-offset}) at which all of them are free, so two test runs on one
 * machine (two clones, or a run beside the run command's server on 8080) do not collide. The offset
 * keeps every port below the system's ephemeral range, where the dev services take theirs.
 */
public final class ServerPorts {

    /** Keeps 9993 plus the offset below 32768, where Linux's ephemeral ports begin. */
    private static final int MAX_OFFSET = 22_000;

    private ServerPorts() {
    }

    /**
     * Chooses the offset and publishes it for {@code arquillian.xml}: {@code it.port-offset},
     * {@code it.management-port}.
     */
    public static void choose() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int offset = ThreadLocalRandom.current().nextInt(100, MAX_OFFSET);
            if (WildFlyPorts.allFree(offset)) {
                System.setProperty("it.port-offset", String.valueOf(offset));
                System.setProperty("it.management-port", String.valueOf(9990 + offset));
                return;
            }
        }
        throw new IllegalStateException("no port offset at which all of WildFly's ports are free");
    }

    /** @return {@code http://127.0.0.1:<port>} of the server's HTTP listener */
    public static String http() {
        return "http://127.0.0.1:" + (8080 + offset());
    }

    /** @return {@code http://127.0.0.1:<port>} of the server's management interface (health, metrics) */
    public static String management() {
        return "http://127.0.0.1:" + (9990 + offset());
    }

    /** @return the offset chosen for this run ({@code -Djboss.socket.binding.port-offset}) */
    public static int offset() {
        return Integer.parseInt(System.getProperty("it.port-offset", "0"));
    }
}
