package io.pluginhost.host;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

import java.util.logging.Logger;

/**
 * Receives plugin bus events from the cluster's topic: delivers events from other nodes to this
 * node's plugins (once: each node has one subscription) and drops this node's own, so nothing is
 * echoed back. One session: events from the topic are delivered in the order the broker received
 * them, as events on one node are (the relay keeps emit order), not reordered by concurrent consumers.
 */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = PluginHost.EVENTS_TOPIC),
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
    @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1")
})
public class RemotePluginEvents implements MessageListener {

    private static final Logger LOG = Logger.getLogger(RemotePluginEvents.class.getName());

    @EJB
    PluginHost host;

    @Override
    public void onMessage(Message message) {
        try {
            String origin = message.getStringProperty(JmsEventBridge.ORIGIN_NODE);
            String name = message.getStringProperty(JmsEventBridge.EVENT_NAME);
            if (origin == null || name == null || !(message instanceof TextMessage text)) {
                LOG.warning("ignoring a message on the plugin events topic that is not a plugin event");
                return;
            }
            if (!origin.equals(host.nodeId())) {
                host.deliverFromOtherNode(name, text.getText());
            }
        } catch (JMSException e) {
            LOG.warning("could not read a plugin event from the topic: " + e);
        }
    }
}
