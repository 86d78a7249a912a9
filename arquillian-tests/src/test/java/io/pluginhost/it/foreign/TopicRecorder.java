package io.pluginhost.it.foreign;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every message on the cluster topic as "origin name". */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = "java:global/jms/pluginhost/PluginEvents"),
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
    // In order, so what it has seen last tells what came before (JmsBridgeIT relies on it).
    @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1")
})
public class TopicRecorder implements MessageListener {

    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message message) {
        try {
            SEEN.add(message.getStringProperty("originNode") + " " + message.getStringProperty("eventName"));
        } catch (JMSException e) {
            SEEN.add("unreadable " + e);
        }
        synchronized (SEEN) {
            SEEN.notifyAll();
        }
    }

    /**
     * Waits until {@code count} recorded lines end with {@code " " + suffix}, at most {@code millis}.
     *
     * @return whether they did
     */
    static boolean await(String suffix, int count, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (SEEN) {
            while (SEEN.stream().filter(line -> line.endsWith(" " + suffix)).count() < count) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                SEEN.wait(left);
            }
            return true;
        }
    }
}
