package io.pluginhost.runtime.event;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.PluginEvent;

import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.ListenerLimitException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's event bus: routes events to subscriptions by pattern.
 *
 * <p>Patterns are stored in a trie keyed by {@code ':'}-separated segments, with a wildcard child
 * for {@code *} (one segment) and one for {@code **} (zero or more). Emitting walks only the
 * branches that can match, so its cost depends on the event's depth and the matching
 * subscriptions, not on how many non-matching wildcard subscriptions exist.
 *
 * <p>Emitting the same name again does not walk the trie: the matching subscriptions, already in
 * subscription order, are cached per event name with the hub's version. Any subscribe or
 * unsubscribe bumps the version and empties the cache, so a cached route is used only while
 * nothing has changed, and no route keeps a removed subscription (and its plugin) reachable.
 *
 * <p>Cost: a node keeps its subscriptions in an insertion-ordered set (O(1) to add and remove) and
 * hands emitters an array snapshot rebuilt on the first emit after a change, so adding or removing
 * a listener is O(1) amortized however many share its pattern, and {@link #removeAll} of a plugin's
 * n listeners is O(n) with one version bump. Each owner may hold at most {@code maxPerOwner}.
 *
 * <p>Concurrency: {@link #emit} takes no lock; it reads concurrent maps and snapshots. Subscribing
 * and unsubscribing take {@code this} as a lock so that structural changes (adding and pruning trie
 * nodes, bumping the version) and the owner's "still accepting" check are atomic with respect to each
 * other and to {@link #removeAll}. The version is bumped after the trie changes, never before: an
 * emitter that read the old version and computed a route from the old trie caches it under the old
 * version, which nobody uses again, while one that read the new version sees the new trie. (Bumping
 * first let an emitter cache, under the new version, a route still holding the removed listener.) A
 * subscription removed while an emit is in flight is not delivered once its {@code active} flag is
 * cleared.
 */
public final class EventHub {

    private static final String ONE = "*";
    private static final String ANY = "**";
    private static final Comparator<Subscription> BY_SEQUENCE = (a, b) -> Long.compare(a.sequence, b.sequence);

    /** Beyond this many distinct event names the route cache starts over, so it stays bounded. */
    private static final int MAX_CACHED_ROUTES = 4096;

    private final Node root = new Node(null, null);
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private volatile long version;
    /**
     * Each owner's subscriptions. The sets are plain ones, guarded by this hub's lock like every
     * change: an idle plugin holds one, and a concurrent set cost it 0.1 KiB more.
     */
    private final Map<Subscriber, Set<Subscription>> byOwner = new ConcurrentHashMap<>();
    private long sequence;

    private final int maxPerOwner;

    /** A hub with no limit on listeners per owner. */
    public EventHub() {
        this(Integer.MAX_VALUE);
    }

    /** @param maxPerOwner how many listeners one plugin may hold (the host's own are not counted) */
    public EventHub(int maxPerOwner) {
        this.maxPerOwner = maxPerOwner;
    }

    /**
     * Subscribes a listener.
     *
     * @param owner    the owner
     * @param pattern  an event name or pattern
     * @param listener the listener
     * @param once     whether to remove it after its first delivery
     * @return whether it was subscribed ({@code false} if the owner no longer accepts subscriptions)
     * @throws InvalidNameException if the pattern is malformed
     */
    public synchronized boolean subscribe(Subscriber owner, String pattern, EventListener listener, boolean once) {
        String[] segments = parse(pattern, true);
        if (listener == null) {
            throw new InvalidArgumentException("listener", "listener must not be null");
        }
        if (!owner.acceptsSubscriptions()) {
            return false;
        }
        Set<Subscription> owned = byOwner.get(owner);
        if (owned == null) {
            owned = new HashSet<>(2);
            byOwner.put(owner, owned);
        }
        if (owner.name() != null && owned.size() >= maxPerOwner) {
            throw new ListenerLimitException(owner.name(), maxPerOwner);
        }
        Node node = root;
        for (String segment : segments) {
            node = node.childFor(segment);
        }
        Subscription subscription = new Subscription(owner, pattern, listener, once, ++sequence, node);
        node.add(subscription);
        owned.add(subscription);
        changed();
        return true;
    }

    /**
     * Removes the latest subscription of exactly this listener to exactly this pattern by this owner.
     *
     * @param owner    the owner
     * @param pattern  the pattern it subscribed with
     * @param listener the listener it subscribed with
     * @return whether one was removed
     */
    public synchronized boolean unsubscribe(Subscriber owner, String pattern, EventListener listener) {
        Node node = root;
        for (String segment : parse(pattern, true)) {
            node = node.existingChild(segment);
            if (node == null) {
                return false;
            }
        }
        Subscription latest = node.latest(owner, listener);
        if (latest == null) {
            return false;
        }
        remove(latest);
        changed();
        return true;
    }

    /**
     * Removes every subscription of an owner. Call after the owner stops accepting subscriptions.
     *
     * @param owner the owner
     * @return how many were removed
     */
    public synchronized int removeAll(Subscriber owner) {
        Set<Subscription> owned = byOwner.remove(owner);
        if (owned == null) {
            return 0;
        }
        owned.forEach(this::remove);
        changed(); // once, after every unlink
        return owned.size();
    }

    /**
     * @param owner an owner
     * @return how many subscriptions it holds
     */
    public synchronized int subscriptionCount(Subscriber owner) {
        Set<Subscription> owned = byOwner.get(owner);
        return owned == null ? 0 : owned.size();
    }

    /** @return how many owners hold subscriptions (a plugin that holds none is not counted) */
    public int ownerCount() {
        return byOwner.size();
    }

    /**
     * Delivers an event to every matching subscription whose owner is not the source, in
     * subscription order, on the calling thread.
     *
     * @param source the emitting plugin's name, or {@code null} for the host
     * @param name   the event name (no wildcards)
     * @param data   the payload
     * @return how many listeners it was delivered to
     * @throws InvalidNameException if the name is malformed
     */
    public int emit(String source, String name, Object data) {
        Subscription[] matches = route(name);
        if (matches.length == 0) {
            return 0;
        }
        PluginEvent event = new PluginEvent(name, data, source);
        CallDepth depth = CallDepth.current(); // once per event, not once per listener
        int delivered = 0;
        for (Subscription s : matches) {
            if (source != null && source.equals(s.owner.name())) {
                continue; // a plugin does not receive its own events
            }
            if (s.once) {
                if (!s.claim()) {
                    continue;
                }
                synchronized (this) {
                    detach(s);
                    changed();
                }
            } else if (!s.isActive()) {
                continue;
            }
            s.owner.deliver(s.listener, event, depth);
            delivered++;
        }
        return delivered;
    }

    /** The subscriptions matching an event name, in subscription order: cached, or computed from the trie. */
    private Subscription[] route(String name) {
        long current = version;
        Route cached = name == null ? null : routes.get(name); // a name is cached only once parse took it
        if (cached != null && cached.version == current) {
            return cached.subscriptions;
        }
        String[] segments = parse(name, false);
        List<Subscription> matches = new ArrayList<>();
        if (collect(root, segments, 0, matches) > 1) {
            matches.sort(BY_SEQUENCE);
        }
        Subscription[] computed = matches.toArray(new Subscription[0]);
        if (routes.size() >= MAX_CACHED_ROUTES) {
            routes.clear();
        }
        Route route = new Route(current, computed);
        routes.put(name, route);
        if (version != current) {
            // A change raced this computation; its clear() may have run before our put.
            routes.remove(name, route);
        }
        return computed;
    }

    /** Invalidates every cached route, after the trie changed. Caller holds the lock; see the class comment. */
    private void changed() {
        version++;
        if (!routes.isEmpty()) {
            routes.clear();
        }
    }

    /** Adds the subscriptions of every node matching segments[i..] below {@code node}; returns nodes matched. */
    private static int collect(Node node, String[] segments, int i, List<Subscription> out) {
        int matched = 0;
        Node any = node.any;
        if (any != null) {
            for (int j = i; j <= segments.length; j++) {
                matched += collect(any, segments, j, out);
            }
        }
        if (i == segments.length) {
            Subscription[] here = node.snapshot();
            if (here.length > 0) {
                out.addAll(Arrays.asList(here));
                matched++;
            }
            return matched;
        }
        Node literal = node.children.get(segments[i]);
        if (literal != null) {
            matched += collect(literal, segments, i + 1, out);
        }
        Node one = node.one;
        if (one != null) {
            matched += collect(one, segments, i + 1, out);
        }
        return matched;
    }

    private void remove(Subscription s) {
        s.deactivate();
        detach(s);
    }

    /** Unlinks a subscription and prunes nodes left empty. Caller holds the lock and calls {@link #changed} after. */
    private void detach(Subscription s) {
        s.node.remove(s);
        Set<Subscription> owned = byOwner.get(s.owner);
        if (owned != null) {
            owned.remove(s);
            if (owned.isEmpty()) {
                byOwner.remove(s.owner);
            }
        }
        for (Node n = s.node; n != root && n.isEmpty(); n = n.parent) {
            n.parent.unlink(n);
        }
    }

    /**
     * Splits a name or pattern into segments. Names may not contain wildcards; patterns may use
     * {@code *} anywhere and {@code **} at most once (so a match is never counted twice). Neither may hold a
     * control character.
     */
    static String[] parse(String text, boolean pattern) {
        if (text == null || text.isEmpty()) {
            throw new InvalidNameException("event " + (pattern ? "pattern" : "name") + " must not be empty");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) { // a line break would forge lines where it is logged
                throw new InvalidNameException("event " + (pattern ? "pattern" : "name") + " has a control character"
                        + " (U+" + String.format(Locale.ROOT, "%04X", (int) text.charAt(i)) + ") at " + i);
            }
        }
        String[] segments = text.split(":", -1);
        int any = 0;
        for (String segment : segments) {
            if (segment.isEmpty()) {
                throw new InvalidNameException("'" + text + "' has an empty segment; segments are separated by"
                        + " single ':'");
            }
            boolean wildcard = segment.contains("*");
            if (wildcard && !pattern) {
                throw new InvalidNameException("event name '" + text + "' must not contain '*'; wildcards are"
                        + " for subscriptions");
            }
            if (wildcard && !segment.equals(ONE) && !segment.equals(ANY)) {
                throw new InvalidNameException("'" + text + "': a wildcard must be a whole segment, '*' or '**'");
            }
            if (segment.equals(ANY) && ++any > 1) {
                throw new InvalidNameException("'" + text + "': '**' may appear only once in a pattern");
            }
        }
        return segments;
    }

    /** @return how many subscriptions that are no longer active the route cache still holds (for tests) */
    int inactiveSubscriptionsInRoutes() {
        int stale = 0;
        for (Route route : routes.values()) {
            for (Subscription s : route.subscriptions) {
                stale += s.isActive() ? 0 : 1;
            }
        }
        return stale;
    }

    /** The matching subscriptions of one event name, valid while the hub is at {@code version}. */
    private record Route(long version, Subscription[] subscriptions) {
    }

    private static final Subscription[] NONE = new Subscription[0];

    /** Who subscribed what: identity of owner and listener, as {@code off} means exactly that listener. */
    private record ListenerKey(Subscriber owner, EventListener listener) {
        @Override
        public boolean equals(Object other) {
            return other instanceof ListenerKey that && owner == that.owner && listener == that.listener;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(owner) * 31 + System.identityHashCode(listener);
        }
    }

    /**
     * The subscriptions of one (owner, listener) on one node, newest last. A plugin that subscribes
     * one lambda in a loop puts all of them here, so removal must not search: a removed subscription
     * (already marked inactive) is only counted, skipped by {@link #latest} and dropped when the
     * queue is compacted, which happens when at least half of it is dead (amortized O(1)); when none
     * is live the whole queue goes, so nothing keeps a removed listener.
     */
    private static final class SameListener {
        private final ArrayDeque<Subscription> queue = new ArrayDeque<>(1);
        private int live;

        void add(Subscription s) {
            queue.addLast(s);
            live++;
        }

        /** @return whether none is live any more */
        boolean removed() {
            live--;
            if (live > 0 && queue.size() > 2 * live + 8) {
                queue.removeIf(s -> !s.isActive());
            }
            return live == 0;
        }

        Subscription latest() {
            while (!queue.isEmpty() && !queue.peekLast().isActive()) {
                queue.pollLast();
            }
            return queue.peekLast();
        }
    }

    /** A trie node; one per distinct pattern prefix. */
    static final class Node {
        final Node parent;
        final String segment;
        final Map<String, Node> children = new ConcurrentHashMap<>();
        /** Guarded by the node: the subscriptions in order, and the latest ones of each (owner, listener). */
        private final Set<Subscription> subscriptions = new LinkedHashSet<>();
        private final Map<ListenerKey, SameListener> byListener = new HashMap<>();
        /** What emitters read; null after a change until the next emit rebuilds it. */
        private volatile Subscription[] snapshot = NONE;
        volatile Node one;
        volatile Node any;

        Node(Node parent, String segment) {
            this.parent = parent;
            this.segment = segment;
        }

        Node childFor(String segment) {
            switch (segment) {
                case ONE:
                    if (one == null) {
                        one = new Node(this, segment);
                    }
                    return one;
                case ANY:
                    if (any == null) {
                        any = new Node(this, segment);
                    }
                    return any;
                default:
                    return children.computeIfAbsent(segment, s -> new Node(this, s));
            }
        }

        Node existingChild(String segment) {
            return switch (segment) {
                case ONE -> one;
                case ANY -> any;
                default -> children.get(segment);
            };
        }

        synchronized void add(Subscription s) {
            subscriptions.add(s);
            byListener.computeIfAbsent(new ListenerKey(s.owner, s.listener), k -> new SameListener()).add(s);
            snapshot = null;
        }

        /** O(1): the subscription must already be inactive (see {@link SameListener}). */
        synchronized void remove(Subscription s) {
            if (subscriptions.remove(s)) {
                ListenerKey key = new ListenerKey(s.owner, s.listener);
                if (byListener.get(key).removed()) {
                    byListener.remove(key);
                }
                snapshot = null;
            }
        }

        /** @return the latest subscription of this listener by this owner here, or null */
        synchronized Subscription latest(Subscriber owner, EventListener listener) {
            SameListener same = byListener.get(new ListenerKey(owner, listener));
            return same == null ? null : same.latest();
        }

        /** @return the subscriptions, in order, as an array that is never changed */
        Subscription[] snapshot() {
            Subscription[] current = snapshot;
            if (current == null) {
                synchronized (this) {
                    current = snapshot;
                    if (current == null) {
                        current = subscriptions.toArray(NONE);
                        snapshot = current;
                    }
                }
            }
            return current;
        }

        synchronized boolean isEmpty() {
            return subscriptions.isEmpty() && children.isEmpty() && one == null && any == null;
        }

        void unlink(Node child) {
            if (child == one) {
                one = null;
            } else if (child == any) {
                any = null;
            } else {
                children.remove(child.segment, child);
            }
        }
    }
}
