package io.pluginhost.admin;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses a change (any method but {@code GET}, {@code HEAD}, {@code OPTIONS}) that a browser sends from
 * another site: 403 problem details. A browser attaches the operator's cached BASIC credentials to every
 * request to the server, including a form's POST from any page the operator visits, which needs no CORS
 * preflight; without this, such a page could reload plugins or have the server dump its heap.
 *
 * <p>The browser says where a request comes from: {@code Sec-Fetch-Site} (every current browser), else
 * {@code Origin}, compared with the {@code Host} it was sent to. A request with neither does not come from
 * a page (curl, scripts, other servers) and is taken, as is one from an origin in
 * {@code pluginhost.admin.trusted-origins} (a console served from elsewhere). Reads are never refused: a
 * page elsewhere cannot read their answers (no CORS headers are sent) and they change nothing.
 */
@Provider
@PreMatching
public class CrossOriginRequests implements ContainerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    /** Origins ({@code https://console.example.com}, comma-separated) whose pages may make changes. */
    @Inject
    @ConfigProperty(name = "pluginhost.admin.trusted-origins")
    Optional<String> trustedOrigins;

    /** The trusted origins, parsed once. */
    private Set<String> trusted = Set.of();

    @PostConstruct
    void parse() {
        trusted = trustedOrigins.map(list -> Arrays.stream(list.split(",")).map(String::trim)
                .filter(origin -> !origin.isEmpty()).collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }

    @Override
    public void filter(ContainerRequestContext request) {
        refusal(request.getMethod(), request.getHeaderString("Sec-Fetch-Site"), request.getHeaderString("Origin"),
                request.getHeaderString("Host"), trusted)
                .ifPresent(why -> request.abortWith(ProblemResponses.problem(403, "Forbidden", why)));
    }

    /**
     * @param method    the request's method
     * @param fetchSite its {@code Sec-Fetch-Site}, or null
     * @param origin    its {@code Origin}, or null
     * @param host      its {@code Host}, e.g. {@code ops.example.com:8443}
     * @param trusted   the origins that may make changes from anywhere
     * @return why the request is refused, or empty if it is taken
     */
    static Optional<String> refusal(String method, String fetchSite, String origin, String host, Set<String> trusted) {
        if (READS.contains(method) || (origin != null && trusted.contains(origin))) {
            return Optional.empty();
        }
        if (fetchSite != null) {
            return fetchSite.equals("same-origin") || fetchSite.equals("none") ? Optional.empty()
                    : Optional.of(refused(origin == null ? "another site (Sec-Fetch-Site: " + fetchSite + ")" : origin));
        }
        if (origin == null) {
            return Optional.empty(); // not sent by a page
        }
        return sameHost(origin, host) ? Optional.empty() : Optional.of(refused(origin));
    }

    private static boolean sameHost(String origin, String host) {
        try {
            URI uri = new URI(origin);
            if (uri.getHost() == null || host == null) {
                return false;
            }
            String authority = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            return authority.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String refused(String from) {
        return "a browser sent this change from " + from + ", not from this server's own pages: the admin API takes"
                + " changes only from its console and from clients that are not browsers (curl, scripts); to let a"
                + " console served elsewhere make changes, add its origin to pluginhost.admin.trusted-origins";
    }
}
