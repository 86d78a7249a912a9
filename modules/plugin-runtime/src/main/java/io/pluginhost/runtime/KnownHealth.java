package io.pluginhost.runtime;

import io.pluginhost.api.PluginHealth;

import java.time.Instant;
import java.util.Objects;

/**
 * What a plugin last said of its health when the host asked ({@link PluginManager#health}), and since when it has
 * said so: {@code since} is when its status last turned (up to down or back), or when it was first asked, so a
 * plugin that changes only its reason while down stays down since it first said so.
 *
 * @param said  its last answer (down with why where its check threw, answered {@code null} or did not answer in
 *              time)
 * @param since when its status became {@code said}'s
 */
public record KnownHealth(PluginHealth said, Instant since) {

    /** Checks that both are given. */
    public KnownHealth {
        Objects.requireNonNull(said, "said");
        Objects.requireNonNull(since, "since");
    }
}
