package io.pluginhost.runtime.event;

import io.pluginhost.api.exception.CallDepthExceededException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The plugins being called on the current thread, innermost last: the engine enters it around every
 * call into plugin code and refuses a call past the limit, naming the chain. A small array per thread,
 * so the hot path of event delivery pays two array writes (the thread-local is read once per event).
 *
 * <p>What the thread keeps is of the JDK's types only ({@code {String[] names, int[] depth}}), and this
 * class a view of it: a container's threads outlive the host's deployment, and a value of a host class in
 * their thread-local maps kept every class of the host after an undeploy.
 */
public final class CallDepth {

    private static final ThreadLocal<Object[]> CURRENT = new ThreadLocal<>();
    private static final int NAMES = 0;

    /** The thread's record: its names array is replaced when it grows, so every view reads it from there. */
    private final Object[] record;
    private final int[] depth;

    private CallDepth(Object[] record) {
        this.record = record;
        this.depth = (int[]) record[1];
    }

    /** @return the current thread's record, for a caller that enters several calls in a row */
    public static CallDepth current() {
        Object[] record = CURRENT.get();
        if (record == null) {
            record = new Object[] {new String[16], new int[1]};
            CURRENT.set(record);
        }
        return new CallDepth(record);
    }

    /**
     * Records a call into a plugin on this record's thread (the caller's own).
     *
     * @param plugin the plugin about to be called
     * @param limit  the deepest nesting allowed
     * @return this record, to {@link #exit()} in a {@code finally}
     * @throws CallDepthExceededException if the call would nest deeper than {@code limit}
     */
    public CallDepth push(String plugin, int limit) {
        int current = depth[0];
        String[] names = (String[]) record[NAMES];
        if (current >= limit) {
            List<String> chain = new ArrayList<>(Arrays.asList(names).subList(0, current));
            chain.add(plugin);
            throw new CallDepthExceededException(chain, limit);
        }
        if (current == names.length) {
            names = Arrays.copyOf(names, names.length * 2);
            record[NAMES] = names;
        }
        names[current] = plugin;
        depth[0] = current + 1;
        return this;
    }

    /** @return how many plugin calls are in progress on this record's thread */
    public int depth() {
        return depth[0];
    }

    /** Ends the innermost call. */
    public void exit() {
        ((String[]) record[NAMES])[--depth[0]] = null;
    }
}
