package io.pluginhost.devservices;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackPortsTest {

    /**
     * The system hands a port just released to the next bind now and then: the run command's Kafka once
     * got its SASL and controller listeners on one port and did not start ("two listeners on the same
     * port"), and Kafka and S3, which start side by side, could collide the same way.
     */
    @Test
    void noPortIsHandedOutTwice() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            int port = LoopbackPorts.free();
            assertThat(ports.add(port)).as("port %d handed out again, after %d others", port, i).isTrue();
        }
    }
}
