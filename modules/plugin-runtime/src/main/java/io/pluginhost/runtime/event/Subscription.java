package io.pluginhost.runtime.event;

import io.pluginhost.api.EventListener;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** One listener subscribed to one pattern by one owner. Identity matters; equality is identity. */
final class Subscription {

    final Subscriber owner;
    final String pattern;
    final EventListener listener;
    final boolean once;
    final long sequence;
    final EventHub.Node node;
    private static final VarHandle ACTIVE;

    static {
        try {
            ACTIVE = MethodHandles.lookup().findVarHandle(Subscription.class, "active", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Cleared when removed; for a once-subscription, by the one delivery that wins it. A plain field
     *  (not an AtomicBoolean) so that delivery reads it without another object to fetch. */
    private volatile boolean active = true;

    Subscription(Subscriber owner, String pattern, EventListener listener, boolean once, long sequence,
                 EventHub.Node node) {
        this.owner = owner;
        this.pattern = pattern;
        this.listener = listener;
        this.once = once;
        this.sequence = sequence;
        this.node = node;
    }

    boolean isActive() {
        return active;
    }

    void deactivate() {
        active = false;
    }

    /** @return whether this call won the one delivery of a once-subscription */
    boolean claim() {
        return ACTIVE.compareAndSet(this, true, false);
    }
}
