package io.pluginhost.admin;

import io.pluginhost.host.PluginBusEvent;
import io.pluginhost.host.PluginLifecycleEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fans lifecycle and bus events out to server-sent-events clients. It observes the host's CDI
 * events and turns each into JSON text at once, on the emitting thread, so no open stream ever
 * holds a plugin's object. Event names on the stream: {@code lifecycle} and {@code bus}. Each client
 * is sent each event on its own ({@link StreamClients}), so a client that stops reading holds no one
 * else's events.
 */
@ApplicationScoped
public class EventStream {

    private final Jsonb json = JsonbBuilder.create();
    private volatile Sse sse;
    private StreamClients clients;

    /** The most unsent event data one client may have (characters of JSON); a client over it is closed. */
    @Inject
    @ConfigProperty(name = "pluginhost.events.client-backlog-chars", defaultValue = "4194304")
    long backlogChars;

    @PostConstruct
    void start() {
        clients = new StreamClients(backlogChars);
    }

    /** Adds a client. */
    void register(SseEventSink sink, Sse context) {
        if (sse == null) {
            sse = context; // the runtime's one Sse; any request's will do
        }
        String ready = json.toJson(Map.of("stream", "plugin lifecycle and bus events"));
        clients.add(sink, event("ready", ready), ready.length());
    }

    void onLifecycle(@Observes PluginLifecycleEvent event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", event.kind().name());
        body.put("plugin", event.pluginName());
        body.put("version", event.version());
        body.put("message", event.message());
        broadcast("lifecycle", body);
    }

    void onBus(@Observes PluginBusEvent event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", event.name());
        body.put("source", event.source());
        body.put("data", toJsonValue(event.data()));
        broadcast("bus", body);
    }

    private Object toJsonValue(Object data) {
        try {
            // A round trip through JSON keeps a copy of plain values, never the plugin's object.
            return data == null ? null : json.fromJson(json.toJson(data), Object.class);
        } catch (RuntimeException e) {
            return String.valueOf(data);
        }
    }

    private void broadcast(String name, Map<String, Object> body) {
        if (sse != null && clients.size() > 0) {
            String data = json.toJson(body);
            clients.sendToAll(event(name, data), data.length());
        }
    }

    private OutboundSseEvent event(String name, String data) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, data).build();
    }

    @PreDestroy
    void close() {
        clients.closeAll();
        try {
            json.close();
        } catch (Exception e) {
            // nothing to release that matters at shutdown
        }
    }
}
