package io.pluginhost.host;

import org.junit.jupiter.api.Test;

import javax.management.DynamicMBean;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator who raised {@code pluginhost.upload.max-bytes} in a WildFly whose listeners keep Undertow's
 * 10 MiB {@code max-post-size} (the EAR deployed without {@code configure.cli}) got a bare 400 for every
 * larger jar, from Undertow, before the host saw the request, and nothing in the log said why.
 */
class ListenerLimitsTest {

    /** One listener resource of WildFly's management model. */
    private static DynamicMBean listener(long maxPostSize) {
        return ModelResource.with("maxPostSize", () -> maxPostSize);
    }

    @Test
    void aListenerThatRefusesWhatTheHostAcceptsIsNamedWithTheCommandThatRaisesIt() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        server.registerMBean(listener(10_485_760L),
                new ObjectName("jboss.as:subsystem=undertow,server=default-server,http-listener=default"));
        server.registerMBean(listener(1_073_741_824L),
                new ObjectName("jboss.as:subsystem=undertow,server=default-server,https-listener=https"));
        server.registerMBean(listener(0L), // none
                new ObjectName("jboss.as:subsystem=undertow,server=default-server,ajp-listener=ajp"));

        List<String> warnings = ListenerLimits.warnings(52_428_800L, server);

        assertThat(warnings).singleElement().asString()
                .contains("pluginhost.upload.max-bytes is 52428800", "http-listener 'default'",
                        "max-post-size 10485760", "bare 400",
                        "/subsystem=undertow/server=default-server/http-listener=default:write-attribute(name="
                                + "max-post-size, value=52428800)");
    }

    @Test
    void listenersThatTakeWhatTheHostAcceptsOrNoListenersAtAllSayNothing() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        assertThat(ListenerLimits.warnings(52_428_800L, server)).as("no WildFly model in JMX").isEmpty();

        server.registerMBean(listener(10_485_760L),
                new ObjectName("jboss.as:subsystem=undertow,server=default-server,http-listener=default"));
        assertThat(ListenerLimits.warnings(8L << 20, server)).isEmpty();
    }

    @Test
    void jsonBodiesNeedTheirMebibyteEvenWhenUploadsAreSmaller() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        server.registerMBean(listener(65_536L),
                new ObjectName("jboss.as:subsystem=undertow,server=default-server,http-listener=default"));

        assertThat(ListenerLimits.warnings(10_000L, server)).singleElement().asString()
                .contains("max-post-size 65536", "value=1048576)");
    }
}
