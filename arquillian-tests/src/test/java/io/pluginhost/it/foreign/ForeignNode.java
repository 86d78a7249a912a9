package io.pluginhost.it.foreign;

import jakarta.annotation.Resource;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Test deployment standing in for another node: POST /send?name=..&origin=.. with a JSON body puts
 * a plugin event on the cluster topic as that node would; GET /seen lists what crossed the topic, and
 * GET /seen?await=name&count=n first waits (at most 30 s) until n events of that name have crossed it.
 */
@WebServlet(urlPatterns = {"/send", "/seen"})
public class ForeignNode extends HttpServlet {

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connections;

    @Resource(lookup = "java:global/jms/pluginhost/PluginEvents")
    Topic topic;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try (JMSContext context = connections.createContext()) {
            TextMessage message = context.createTextMessage(new String(request.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8));
            message.setStringProperty("originNode", request.getParameter("origin"));
            message.setStringProperty("eventName", request.getParameter("name"));
            message.setStringProperty("sourcePlugin", "remote-plugin");
            context.createProducer().send(topic, message);
        } catch (Exception e) {
            throw new IOException(e);
        }
        response.setStatus(204);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String awaited = request.getParameter("await");
        if (awaited != null) {
            try {
                if (!TopicRecorder.await(awaited, Integer.parseInt(request.getParameter("count")), 30_000)) {
                    response.setStatus(504);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response.setStatus(503);
            }
        }
        response.setContentType("text/plain");
        response.getWriter().write(String.join("\n", TopicRecorder.SEEN));
    }
}
