package io.pluginhost.admin;

import io.pluginhost.host.PluginBusEvent;
import io.pluginhost.host.PluginHost;
import io.pluginhost.host.PluginLifecycleEvent;
import io.pluginhost.host.ServerSuspendEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Fans lifecycle and bus events out to server-sent-events clients. It observes the host's CDI
 * events and turns each into the stream's text at once, on the emitting thread, so no open stream
 * ever holds a plugin's object. Event names on the stream: {@code ready} (first), {@code lifecycle}
 * and {@code bus}. Each client is written to by a thread of its own ({@link StreamClients}), so a
 * client that stops reading holds no one else's events. While the server is suspended, the streams are
 * closed and new ones refused: a suspend, and so a graceful shutdown, waits for open requests to end.
 */
@ApplicationScoped
public class EventStream {

    private static final Logger LOG = Logger.getLogger(EventStream.class.getName());

    private final Jsonb json = JsonbBuilder.create();
    private StreamClients clients;

    @Inject
    PluginHost host;

    /** The most unsent event data one client may have (characters); a client over it is closed. */
    @Inject
    @ConfigProperty(name = "pluginhost.events.client-backlog-chars", defaultValue = "4194304")
    long backlogChars;

    /** How many clients may be connected at once; each has a thread. */
    @Inject
    @ConfigProperty(name = "pluginhost.events.max-clients", defaultValue = "64")
    int maxClients;

    /** How long a client may be sent nothing before it is sent a comment (which finds clients that are gone). */
    @Inject
    @ConfigProperty(name = "pluginhost.events.heartbeat", defaultValue = "PT15S")
    Duration heartbeat;

    @Resource
    ManagedThreadFactory threads;

    @PostConstruct
    void start() {
        clients = new StreamClients(backlogChars, maxClients, heartbeat, threads);
    }

    /**
     * Adds a client; its first event says the stream is ready.
     *
     * @return the client, or {@code null} if {@code pluginhost.events.max-clients} are connected
     * @throws Suspended while the server is suspended: a stream opened now would hold its suspend
     */
    StreamClients.Client register(StreamClients.Sink sink) {
        if (!host.serverRunning()) {
            throw new Suspended();
        }
        return clients.add(sink, event("ready", json.toJson(Map.of("stream", "plugin lifecycle and bus events"))));
    }

    /**
     * Ends the streams as the server begins a suspend, which waits for the requests in progress, and a
     * stream never ends by itself; new ones are refused until it runs again ({@link #register}).
     */
    void onSuspend(@Observes ServerSuspendEvent event) {
        int open = clients.size();
        if (event.suspended() && open > 0) {
            clients.closeAll();
            LOG.info("the server is suspending: " + open + " event stream(s) closed; new ones are refused until it"
                    + " resumes");
        }
    }

    void onLifecycle(@Observes PluginLifecycleEvent event) {
        if (clients.size() == 0) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", event.kind().name());
        body.put("plugin", event.pluginName());
        body.put("version", event.version());
        body.put("message", event.message());
        clients.sendToAll(event("lifecycle", json.toJson(body)));
    }

    void onBus(@Observes PluginBusEvent event) {
        if (clients.size() == 0) {
            return; // no JSON made for nobody
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", event.name());
        body.put("source", event.source());
        // Plain JSON values already: the host copied the plugin's payload on the emitting thread.
        body.put("data", event.data());
        String text;
        try {
            text = json.toJson(body);
        } catch (RuntimeException notJson) { // a bus event fired by other code than the host
            body.put("data", String.valueOf(event.data()));
            text = json.toJson(body);
        }
        clients.sendToAll(event("bus", text));
    }

    /** One event in the text/event-stream format; a line break in the data starts another data line. */
    static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\ndata: ")
                + "\n\n";
    }

    /** Refuses a stream while the server is suspended. */
    static final class Suspended extends IllegalStateException {
        Suspended() {
            super("the server is suspended; the event stream is served again when it resumes");
        }
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
