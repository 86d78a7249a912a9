package io.pluginhost.devservices;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

/**
 * The ports WildFly's {@code standalone-full.xml} listens on, all moved by one offset
 * ({@code -Djboss.socket.binding.port-offset}), as WildFly moves them: the run command's and the
 * tests' servers use it to run beside another server.
 */
public final class WildFlyPorts {

    /** WildFly's own system property for the offset, which the run command reads and passes on. */
    public static final String OFFSET_PROPERTY = "jboss.socket.binding.port-offset";

    /** The socket bindings of {@code standalone-full.xml}, the ones most often taken by another server first. */
    private static final List<Binding> STANDARD = List.of(new Binding("http", 8080), new Binding("management-http",
            9990), new Binding("https", 8443), new Binding("management-https", 9993), new Binding("ajp", 8009),
            new Binding("iiop", 3528), new Binding("iiop-ssl", 3529), new Binding("txn-recovery-environment", 4712),
            new Binding("txn-status-manager", 4713));
    /** The highest of them, which an offset must keep a port. */
    private static final int HIGHEST = 9993;

    private WildFlyPorts() {
    }

    /**
     * @param value the offset as given ({@code null}: none)
     * @return the offset, 0 when none is given
     * @throws IllegalArgumentException when it is not a whole number that keeps every port below 65536
     */
    public static int offset(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(value.strip());
            if (offset >= 0 && offset <= 65_535 - HIGHEST) {
                return offset;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        throw new IllegalArgumentException(OFFSET_PROPERTY + " is '" + value + "': give a whole number from 0 to "
                + (65_535 - HIGHEST) + " (it is added to every port of WildFly: 8080 + 100 is 8180)");
    }

    /**
     * @param offset the port offset
     * @return every port the server listens on at that offset
     */
    public static List<Integer> ports(int offset) {
        return STANDARD.stream().map(binding -> binding.port + offset).toList();
    }

    /**
     * @param offset the port offset
     * @return whether every port of the server is free on the loopback address at that offset
     */
    public static boolean allFree(int offset) {
        return firstBusy(offset).isEmpty();
    }

    /**
     * Refuses to start WildFly where another server listens: it would fail to bind, or another server
     * would answer in its place.
     *
     * @param offset the port offset the server is to use
     * @throws IllegalStateException naming the port in use and an offset at which all of them are free
     */
    public static void requireFree(int offset) {
        Optional<Binding> busy = firstBusy(offset);
        if (busy.isPresent()) {
            throw new IllegalStateException("port " + (busy.get().port + offset) + " on 127.0.0.1 (WildFly's "
                    + busy.get().name + ") is in use (another WildFly?): stop what listens there, or move all of WildFly's"
                    + " ports" + suggestion(offset));
        }
    }

    private static String suggestion(int taken) {
        for (int offset = 100; offset <= 65_535 - HIGHEST; offset += 100) {
            if (offset != taken && allFree(offset)) {
                return ", e.g. -D" + OFFSET_PROPERTY + "=" + offset + " (http on " + (8080 + offset) + ")";
            }
        }
        return " with -D" + OFFSET_PROPERTY;
    }

    private static Optional<Binding> firstBusy(int offset) {
        return STANDARD.stream().filter(binding -> !free(binding.port + offset)).findFirst();
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private record Binding(String name, int port) {
    }
}
