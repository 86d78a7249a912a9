package io.pluginhost.host;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.json.bind.Jsonb;

import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publishes this node's plugin bus events to the cluster's JMS topic. The payload is turned into
 * JSON on the emitting thread (so the queue never holds a plugin's object) and sent in order by one
 * host thread, so a slow broker never slows an emitting plugin. A broker that hangs costs at most the
 * relay's bounds ({@link HostEventRelay#CAPACITY} waiting events, {@link HostEventRelay#MAX_CHARS}
 * characters of them); later ones are dropped ({@link BoundedHostThread}). While sends
 * fail, the first failure is logged and the rest counted until one succeeds. Messages carry the origin
 * node, the event name and the emitting plugin as properties; {@link RemotePluginEvents} drops this
 * node's own messages and delivers the others. Fields other than the sender are used on its thread only.
 */
final class JmsEventBridge implements AutoCloseable {

    /** The message properties of a bridged event. */
    static final String ORIGIN_NODE = "originNode";
    static final String EVENT_NAME = "eventName";
    static final String SOURCE_PLUGIN = "sourcePlugin";

    private static final Logger LOG = Logger.getLogger(JmsEventBridge.class.getName());

    private final String nodeId;
    private final ConnectionFactory connections;
    private final Topic topic;
    private final Jsonb json;
    private final BoundedHostThread sender;
    /** Sends failed since the last one that succeeded. */
    private long failedSends;

    JmsEventBridge(String nodeId, ConnectionFactory connections, Topic topic, Jsonb json, ThreadFactory threads) {
        this.nodeId = nodeId;
        this.connections = connections;
        this.topic = topic;
        this.json = json;
        this.sender = new BoundedHostThread("sending plugin events to other nodes", HostEventRelay.CAPACITY,
                HostEventRelay.MAX_CHARS, threads);
    }

    /**
     * @param name   the event name
     * @param data   the payload, already plain JSON values (see {@link HostEventRelay#copy})
     * @param source the emitting plugin, or {@code null} for the host
     */
    void publish(String name, Object data, String source) {
        String body;
        try {
            body = json.toJson(data);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "event '" + name + "' from plugin '" + source
                    + "' has a payload that is not JSON-shaped; not sent to other nodes: " + e);
            return;
        }
        sender.execute(() -> {
            try (JMSContext context = connections.createContext()) {
                TextMessage message = context.createTextMessage(body);
                message.setStringProperty(ORIGIN_NODE, nodeId);
                message.setStringProperty(EVENT_NAME, name);
                if (source != null) {
                    message.setStringProperty(SOURCE_PLUGIN, source);
                }
                context.createProducer().send(topic, message);
            } catch (Exception e) {
                if (failedSends++ == 0) {
                    LOG.log(Level.WARNING, "could not send event '" + name + "' to other nodes; further failures"
                            + " are counted until a send succeeds", e);
                }
                return;
            }
            if (failedSends > 0) {
                LOG.info("sending events to other nodes again; " + failedSends + " event(s) could not be sent");
                failedSends = 0;
            }
        }, body.length());
    }

    @Override
    public void close() {
        sender.close();
        if (failedSends > 0) {
            LOG.warning(failedSends + " event(s) could not be sent to other nodes before the host stopped");
        }
    }
}
