package io.pluginhost.devservices;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class WildFlyPortsTest {

    @Test
    void anOffsetMovesEveryPortOfTheServer() {
        assertThat(WildFlyPorts.ports(0)).containsExactlyInAnyOrder(3528, 3529, 4712, 4713, 8009, 8080, 8443, 9990,
                9993);
        assertThat(WildFlyPorts.ports(100)).contains(8180, 10090, 3628).hasSize(9);
    }

    /**
     * The run command said "port 8080 ... is in use: stop what listens there first", and an operator with
     * another server on 8080 could not run it beside that server at all.
     */
    @Test
    void aBusyPortIsNamedWithAnOffsetAtWhichAllOfThemAreFree() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int offset = busy.getLocalPort() - 8080; // the server's http port, at that offset, is taken

            Throwable refused = catchThrowable(() -> WildFlyPorts.requireFree(offset));

            assertThat(refused).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + busy.getLocalPort() + " on 127.0.0.1 (WildFly's http) is in use")
                    .hasMessageMatching("(?s).*-Djboss\\.socket\\.binding\\.port-offset=\\d+00\\b.*");
            String suggested = refused.getMessage().replaceAll("(?s).*port-offset=(\\d+).*", "$1");
            WildFlyPorts.requireFree(Integer.parseInt(suggested));
        }
    }

    @Test
    void anOffsetThatIsNotAPortShiftIsRefusedByItsName() {
        assertThat(WildFlyPorts.offset(null)).isZero();
        assertThat(WildFlyPorts.offset(" 100 ")).isEqualTo(100);
        for (String wrong : new String[] {"abc", "-1", "60000", "1e3"}) {
            assertThatThrownBy(() -> WildFlyPorts.offset(wrong)).as(wrong)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("jboss.socket.binding.port-offset")
                    .hasMessageContaining("'" + wrong + "'");
        }
    }
}
