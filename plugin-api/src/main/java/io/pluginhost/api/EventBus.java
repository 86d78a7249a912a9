package io.pluginhost.api;

/**
 * Publish/subscribe between plugins.
 *
 * <p>Event names are segments separated by {@code ':'}, e.g. {@code "user:created"}. A subscription
 * pattern is an event name in which a segment may be {@code *} (exactly one segment) or {@code **}
 * (zero or more segments): {@code "data:*"} matches {@code "data:processed"} but not
 * {@code "data"} or {@code "data:a:b"}; {@code "data:**"} matches all three.
 *
 * <p>Delivery is synchronous, on the emitting thread, in subscription order. A plugin does not
 * receive the events it emits itself. A listener that throws is reported as an error of the
 * listener's plugin and does not stop delivery to the others. Payloads should be JSON-shaped values
 * (see {@link Plugin#execute}): the bus does not copy them, and in a cluster they cross JMS.
 */
public interface EventBus {

    /**
     * Delivers an event to every matching listener of every other plugin.
     *
     * @param event the event name; no wildcards
     * @param data  the payload, possibly {@code null}
     */
    void emit(String event, Object data);

    /**
     * Subscribes until {@link #off} or unload.
     *
     * @param pattern  an event name or a pattern with {@code *} / {@code **} segments
     * @param listener the listener; registering the same listener twice delivers twice
     */
    void on(String pattern, EventListener listener);

    /**
     * Subscribes for a single delivery; the subscription is removed before the listener runs, so
     * it fires exactly once even under concurrent emits.
     *
     * @param pattern  an event name or pattern
     * @param listener the listener
     */
    void once(String pattern, EventListener listener);

    /**
     * Removes one subscription of exactly this listener to exactly this pattern (the latest one,
     * if it was added more than once). Other listeners of the pattern stay.
     *
     * @param pattern  the pattern it was subscribed with
     * @param listener the listener it was subscribed with
     * @return whether a subscription was removed
     */
    boolean off(String pattern, EventListener listener);
}
