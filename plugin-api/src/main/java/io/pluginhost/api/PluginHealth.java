package io.pluginhost.api;

import java.util.Objects;

/**
 * What a plugin says of whether it can do its work now, from {@link Plugin#health()}: up, or down with the
 * reason an operator reads in the host's readiness report ({@code /health/ready} in WildFly).
 *
 * @param status UP or DOWN
 * @param reason why it is down, for an operator; {@code null} when up
 */
public record PluginHealth(Status status, String reason) {

    private static final PluginHealth UP = new PluginHealth(Status.UP, null);

    /** Whether a plugin can do its work, in MicroProfile Health's words. */
    public enum Status {
        /** It can. */
        UP,
        /** It cannot, for the reason it gives. */
        DOWN
    }

    /**
     * @throws IllegalArgumentException if down without a reason, or up with one
     */
    public PluginHealth {
        Objects.requireNonNull(status, "status");
        if (status == Status.DOWN && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a plugin that is down says why: the reason is empty");
        }
        if (status == Status.UP && reason != null) {
            throw new IllegalArgumentException("a plugin that is up gives no reason: " + reason);
        }
    }

    /** @return up */
    public static PluginHealth up() {
        return UP;
    }

    /**
     * @param reason why the plugin cannot do its work now, for an operator ({@code "the rates service does not
     *               answer"}); the host shows its first 1,000 characters
     * @return down, with the reason
     * @throws IllegalArgumentException if the reason is null or blank
     */
    public static PluginHealth down(String reason) {
        return new PluginHealth(Status.DOWN, reason);
    }

    /** @return whether it is up */
    public boolean isUp() {
        return status == Status.UP;
    }
}
