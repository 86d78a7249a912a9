package io.pluginhost.host;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares what the host accepts with what WildFly's HTTP listeners let through. Undertow refuses a
 * body longer than a listener's {@code max-post-size} (10 MiB by default) with a bare 400 before any
 * deployment sees the request, so a jar the host would take never reaches it, and nothing in the log
 * says why. The listeners are read from the management model's JMX facade ({@code jboss.as}, which
 * {@code standalone.xml} and {@code standalone-full.xml} expose); a server without it is not checked.
 */
final class ListenerLimits {

    private static final String[] LISTENER_KINDS = {"http-listener", "https-listener", "ajp-listener"};

    private ListenerLimits() {
    }

    /**
     * @param uploadLimit {@code pluginhost.upload.max-bytes}
     * @param server      the MBean server with WildFly's management model (the platform's)
     * @return one warning for each listener that refuses bodies the host accepts, with the command that
     *         raises its limit; empty if there is none, or the model is not there to read
     */
    static List<String> warnings(long uploadLimit, MBeanServer server) {
        long needed = Math.max(uploadLimit, PluginHost.MAX_JSON_BYTES); // every listener must let JSON through
        List<String> warnings = new ArrayList<>();
        for (String kind : LISTENER_KINDS) {
            for (ObjectName listener : listeners(server, kind)) {
                Long limit = maxPostSize(server, listener);
                if (limit != null && limit > 0 && limit < needed) { // 0 or less: no limit
                    String address = "/subsystem=undertow/server=" + listener.getKeyProperty("server") + "/" + kind
                            + "=" + listener.getKeyProperty(kind);
                    warnings.add("pluginhost.upload.max-bytes is " + uploadLimit + ", but Undertow's " + kind + " '"
                            + listener.getKeyProperty(kind) + "' (server '" + listener.getKeyProperty("server")
                            + "') has max-post-size " + limit + ": it answers a longer body with a bare 400 before"
                            + " the host sees it. Raise it: " + address + ":write-attribute(name=max-post-size, value="
                            + needed + "), then reload");
                }
            }
        }
        return warnings;
    }

    private static Set<ObjectName> listeners(MBeanServer server, String kind) {
        try {
            return new TreeSet<>(server.queryNames(new ObjectName("jboss.as:subsystem=undertow,server=*," + kind
                    + "=*"), null));
        } catch (JMException | RuntimeException unreadable) { // a management model we may not read: not checked
            return Set.of();
        }
    }

    private static Long maxPostSize(MBeanServer server, ObjectName listener) {
        try {
            return server.getAttribute(listener, "maxPostSize") instanceof Number size ? size.longValue() : null;
        } catch (JMException | RuntimeException unreadable) {
            return null;
        }
    }
}
