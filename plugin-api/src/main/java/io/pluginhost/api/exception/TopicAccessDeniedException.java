package io.pluginhost.api.exception;

import java.util.List;

/**
 * Access to a topic the plugin has not declared (or that is overridden away).
 */
public class TopicAccessDeniedException extends ResourceAccessDeniedException {

    private static final long serialVersionUID = 1L;

    /**
     * @param pluginName the plugin
     * @param topic      the logical topic it asked for
     * @param allowed    the logical topics it may use
     */
    public TopicAccessDeniedException(String pluginName, String topic, List<String> allowed) {
        super(denial(pluginName, "topic", topic, allowed), topic, allowed);
    }

    private TopicAccessDeniedException(String message, List<String> allowed, String resource) {
        super(message, resource, allowed);
    }

    /**
     * For refusals that are not about a missing declaration: a forbidden statement, function or
     * name form.
     *
     * @param message  the full explanation, naming the plugin
     * @param resource what was refused
     * @param allowed  the logical topics the plugin may use
     * @return the exception
     */
    public static TopicAccessDeniedException refused(String message, String resource, List<String> allowed) {
        return new TopicAccessDeniedException(message, allowed, resource);
    }
}
