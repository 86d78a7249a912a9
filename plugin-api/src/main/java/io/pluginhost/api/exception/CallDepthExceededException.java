package io.pluginhost.api.exception;

import java.util.List;

/**
 * A chain of calls into plugins (events answered by events, executes that emit) went deeper than
 * the host allows on one thread: two plugins answering each other's events would otherwise recurse
 * until the thread's stack overflows. The call that would have gone deeper is not made.
 */
public class CallDepthExceededException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final List<String> chain;

    /**
     * @param chain the plugins called, outermost first, ending with the one that was refused
     * @param limit the depth the host allows
     */
    public CallDepthExceededException(List<String> chain, int limit) {
        super("plugin calls nested deeper than " + limit + " on one thread: " + String.join(" -> ", chain)
                + "; plugins that answer each other's events should stop somewhere");
        this.chain = List.copyOf(chain);
    }

    /** @return the plugins called, outermost first, ending with the one that was refused */
    public List<String> chain() {
        return chain;
    }
}
