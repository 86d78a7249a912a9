package io.pluginhost.observability;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;

import java.util.function.Function;

/**
 * Where the readiness checks find the running host: the host attaches itself when it starts and
 * detaches when it stops, so a check asked before or after reports the engine as not running.
 */
@ApplicationScoped
public class HostHealth {

    private volatile HealthSource source;

    /** @param running the host, now serving */
    public void attach(HealthSource running) {
        source = running;
    }

    /** The host is stopping. */
    public void detach() {
        source = null;
    }

    /**
     * @param name    the check's name
     * @param running what the check reports about the running host
     * @return that, or the check down with {@code engine: not running} while no host is attached
     */
    HealthCheckResponse report(String name, Function<HealthSource, HealthCheckResponse> running) {
        HealthSource host = source;
        return host == null ? HealthCheckResponse.named(name).down().withData("engine", "not running").build()
                : running.apply(host);
    }
}
