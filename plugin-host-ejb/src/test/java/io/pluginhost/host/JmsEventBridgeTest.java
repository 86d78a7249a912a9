package io.pluginhost.host;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Topic;
import jakarta.json.bind.Jsonb;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The bridge to other nodes with a broker that hangs; its JMS and JSON-B are small fakes. */
class JmsEventBridgeTest {

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<T> type, java.lang.reflect.InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(JmsEventBridgeTest.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static final Jsonb JSON = fake(Jsonb.class, (proxy, method, args) -> {
        if (method.getName().equals("toJson") && args.length == 1) {
            return String.valueOf(args[0]);
        }
        throw new UnsupportedOperationException(method.getName());
    });

    @Test
    void aBrokerThatHangsCostsABoundedBacklogNotEveryEventEverEmitted() throws Exception {
        AtomicInteger sendAttempts = new AtomicInteger();
        CountDownLatch firstSend = new CountDownLatch(1);
        CountDownLatch brokerAnswers = new CountDownLatch(1);
        ConnectionFactory hanging = fake(ConnectionFactory.class, (proxy, method, args) -> {
            if (!method.getName().equals("createContext")) {
                throw new UnsupportedOperationException(method.getName());
            }
            sendAttempts.incrementAndGet();
            firstSend.countDown();
            brokerAnswers.await();
            throw new JMSRuntimeException("the broker is gone");
        });
        JmsEventBridge bridge = new JmsEventBridge("node-a", hanging, fake(Topic.class, (p, m, a) -> null), JSON,
                Thread::new);
        try {
            bridge.publish("orders:placed", Map.of("id", 0), "orders");
            assertThat(firstSend.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= HostEventRelay.CAPACITY + 500; i++) {
                bridge.publish("orders:placed", Map.of("id", i), "orders"); // never blocks the relay
            }
        } finally {
            brokerAnswers.countDown();
            bridge.close();
        }
        // The one in flight, then the backlog; the 500 beyond it were dropped, not kept.
        assertThat(sendAttempts.get()).isEqualTo(1 + HostEventRelay.CAPACITY);
    }
}
