package io.pluginhost.runtime.event;

import io.pluginhost.api.exception.CallDepthExceededException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The plugins being called on the current thread, innermost last: the engine enters it around every
 * call into plugin code and refuses a call past the limit, naming the chain. A small array per thread,
 * so the hot path of event delivery pays two array writes (the thread-local is read once per event).
 */
public final class CallDepth {

    private static final ThreadLocal<CallDepth> CURRENT = ThreadLocal.withInitial(CallDepth::new);

    private String[] names = new String[16];
    private int depth;

    private CallDepth() {
    }

    /** @return the current thread's record, for a caller that enters several calls in a row */
    public static CallDepth current() {
        return CURRENT.get();
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
        if (depth >= limit) {
            List<String> chain = new ArrayList<>(Arrays.asList(names).subList(0, depth));
            chain.add(plugin);
            throw new CallDepthExceededException(chain, limit);
        }
        if (depth == names.length) {
            names = Arrays.copyOf(names, names.length * 2);
        }
        names[depth++] = plugin;
        return this;
    }

    /** @return how many plugin calls are in progress on this record's thread */
    public int depth() {
        return depth;
    }

    /** Ends the innermost call. */
    public void exit() {
        names[--depth] = null;
    }
}
