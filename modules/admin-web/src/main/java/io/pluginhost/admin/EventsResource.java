package io.pluginhost.admin;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * {@code GET /api/events}: a server-sent-events stream of lifecycle ({@code event: lifecycle}) and bus
 * ({@code event: bus}) events. Outside {@code /api/plugins}, so no plugin name can shadow it.
 */
@Path("/events")
@RequestScoped
public class EventsResource {

    @Inject
    EventStream events;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@Context SseEventSink sink, @Context Sse sse) {
        events.register(sink, sse);
    }
}
