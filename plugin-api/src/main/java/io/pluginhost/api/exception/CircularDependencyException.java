package io.pluginhost.api.exception;

import java.util.List;

/**
 * Dependencies form a cycle; the message shows it, e.g. {@code a -> b -> a}.
 */
public class CircularDependencyException extends DependencyException {

    private static final long serialVersionUID = 1L;

    private final List<String> chain;

    /** @param chain the cycle, starting and ending with the same plugin */
    public CircularDependencyException(List<String> chain) {
        super("circular dependency: " + String.join(" -> ", chain));
        this.chain = List.copyOf(chain);
    }

    /** @return the cycle, starting and ending with the same plugin */
    public List<String> chain() {
        return chain;
    }
}
