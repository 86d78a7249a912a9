package io.pluginhost.observability;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

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

    Optional<HealthSource> source() {
        return Optional.ofNullable(source);
    }
}
