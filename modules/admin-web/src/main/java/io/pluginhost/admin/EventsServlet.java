package io.pluginhost.admin;

import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.handlers.ServletRequestContext;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /api/events}: a server-sent-events stream of lifecycle ({@code event: lifecycle}) and bus
 * ({@code event: bus}) events. Outside {@code /api/plugins}, so no plugin name can shadow it.
 *
 * <p>A servlet, not a JAX-RS resource: each client is written to with blocking writes by a thread of
 * its own ({@link StreamClients} says why). The exact path wins over the JAX-RS application's
 * {@code /api/*}; web.xml's constraints apply as to every other path (reading needs plugin-viewer).
 */
@WebServlet(urlPatterns = "/api/events", asyncSupported = true)
public class EventsServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(EventsServlet.class.getName());

    @Inject
    EventStream events;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (request.getMethod()) {
            case "GET" -> stream(request, response);
            case "HEAD" -> streamHeaders(response);
            default -> {
                response.setHeader("Allow", "GET, HEAD");
                problem(response, 405, "Method Not Allowed", "the event stream is read with GET");
            }
        }
    }

    private void stream(HttpServletRequest request, HttpServletResponse response) throws IOException {
        streamHeaders(response);
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // a stream stays open until the client or the server ends it
        StreamClients.Client client;
        try {
            client = events.register(new ResponseSink(async, response.getOutputStream(),
                    ServletRequestContext.requireCurrent().getExchange()));
        } catch (EventStream.Suspended suspended) {
            unavailable(response, async, suspended.getMessage());
            return;
        } catch (IllegalStateException stopping) {
            unavailable(response, async, "the event stream is stopping");
            return;
        }
        if (client == null) {
            unavailable(response, async, "too many event stream clients are connected"
                    + " (pluginhost.events.max-clients)");
            return;
        }
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                client.ended();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                client.ended();
            }

            @Override
            public void onError(AsyncEvent event) {
                client.ended();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not started again
            }
        });
    }

    /** Answers 503 instead of the stream, which was not started. */
    private static void unavailable(HttpServletResponse response, AsyncContext async, String detail)
            throws IOException {
        response.reset();
        response.setHeader("Retry-After", "10");
        problem(response, 503, "Service Unavailable", detail);
        async.complete();
    }

    private static void streamHeaders(HttpServletResponse response) {
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // a proxy in front must not hold events back
    }

    private static void problem(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType(ProblemResponses.PROBLEM_JSON);
        byte[] body = Json.createObjectBuilder().add("type", "about:blank").add("title", title).add("status", status)
                .add("detail", detail).build().toString().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * A client's response, written with blocking writes from the client's own thread. Closing it
     * completes the response; if a write is blocked on a client that stopped reading, it also closes
     * the client's connection, as nothing in the servlet API ends a blocked write (Undertow's
     * exchange is the one thing used from outside the API).
     */
    private static final class ResponseSink implements StreamClients.Sink {
        private final AsyncContext async;
        private final ServletOutputStream out;
        private final HttpServerExchange exchange;
        private volatile boolean writing;

        ResponseSink(AsyncContext async, ServletOutputStream out, HttpServerExchange exchange) {
            this.async = async;
            this.out = out;
            this.exchange = exchange;
        }

        @Override
        public void write(byte[] event) throws IOException {
            writing = true;
            try {
                out.write(event);
                out.flush();
            } finally {
                writing = false;
            }
        }

        @Override
        public void close() {
            if (writing) {
                try {
                    exchange.getConnection().close();
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.FINE, "closing a stalled event stream client's connection failed", e);
                }
            }
            try {
                async.complete();
            } catch (IllegalStateException alreadyEnded) {
                // the container ended it first
            }
        }
    }
}
