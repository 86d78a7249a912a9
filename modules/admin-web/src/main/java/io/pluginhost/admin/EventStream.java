package io.pluginhost.admin;

import io.pluginhost.host.PluginBusEvent;
import io.pluginhost.host.PluginLifecycleEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.LinkedHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.Map;

/**
 * Fans lifecycle and bus events out to server-sent-events clients. It observes the host's CDI
 * events and turns each into JSON text at once, on the emitting thread, so no open stream ever
 * holds a plugin's object. Event names on the stream: {@code lifecycle} and {@code bus}.
 */
@ApplicationScoped
public class EventStream {

    private static final Logger LOG = Logger.getLogger(EventStream.class.getName());

    private final Jsonb json = JsonbBuilder.create();
    private volatile Sse sse;
    private volatile SseBroadcaster broadcaster;

    /** Adds a client. */
    synchronized void register(SseEventSink sink, Sse context) {
        if (broadcaster == null) {
            sse = context;
            broadcaster = context.newBroadcaster();
            broadcaster.onError((client, error) -> LOG.log(Level.WARNING, "an event could not be sent to a stream"
                    + " client; the broadcaster drops that client", error));
        }
        broadcaster.register(sink);
        sink.send(event("ready", Map.of("stream", "plugin lifecycle and bus events")));
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
        SseBroadcaster current = broadcaster;
        if (current != null) {
            current.broadcast(event(name, body));
        }
    }

    private OutboundSseEvent event(String name, Map<String, Object> body) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, json.toJson(body)).build();
    }

    @PreDestroy
    void close() {
        SseBroadcaster current = broadcaster;
        if (current != null) {
            current.close();
        }
        try {
            json.close();
        } catch (Exception e) {
            // nothing to release that matters at shutdown
        }
    }
}
