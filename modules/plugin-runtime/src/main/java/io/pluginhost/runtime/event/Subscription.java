package io.pluginhost.runtime.event;

import io.pluginhost.api.EventListener;

import java.util.concurrent.atomic.AtomicBoolean;

/** One listener subscribed to one pattern by one owner. Identity matters; equality is identity. */
final class Subscription {

    final Subscriber owner;
    final String pattern;
    final EventListener listener;
    final boolean once;
    final long sequence;
    final EventHub.Node node;
    /** Cleared when removed; for a once-subscription, by the one delivery that wins it. */
    final AtomicBoolean active = new AtomicBoolean(true);

    Subscription(Subscriber owner, String pattern, EventListener listener, boolean once, long sequence,
                 EventHub.Node node) {
        this.owner = owner;
        this.pattern = pattern;
        this.listener = listener;
        this.once = once;
        this.sequence = sequence;
        this.node = node;
    }
}
