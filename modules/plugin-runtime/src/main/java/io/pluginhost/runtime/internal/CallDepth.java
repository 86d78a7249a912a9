package io.pluginhost.runtime.internal;

import io.pluginhost.api.exception.CallDepthExceededException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The plugins being called on the current thread, innermost last: the engine enters it around every
 * call into plugin code and refuses a call past the limit, naming the chain. A small array per thread,
 * so the hot path of event delivery pays a thread-local read and two array writes.
 */
public final class CallDepth {

    private static final ThreadLocal<CallDepth> CURRENT = ThreadLocal.withInitial(CallDepth::new);

    private String[] names = new String[16];
    private int depth;

    private CallDepth() {
    }

    /**
     * Records a call into a plugin.
     *
     * @param plugin the plugin about to be called
     * @param limit  the deepest nesting allowed
     * @return the thread's record, to {@link #exit()} in a {@code finally}
     * @throws CallDepthExceededException if the call would nest deeper than {@code limit}
     */
    public static CallDepth enter(String plugin, int limit) {
        CallDepth current = CURRENT.get();
        if (current.depth >= limit) {
            List<String> chain = new ArrayList<>(Arrays.asList(current.names).subList(0, current.depth));
            chain.add(plugin);
            throw new CallDepthExceededException(chain, limit);
        }
        if (current.depth == current.names.length) {
            current.names = Arrays.copyOf(current.names, current.names.length * 2);
        }
        current.names[current.depth++] = plugin;
        return current;
    }

    /** Ends the innermost call. */
    public void exit() {
        names[--depth] = null;
    }
}
