package io.pluginhost.api.exception;

import java.util.List;

/**
 * Access to a bucket the plugin has not declared (or that is overridden away).
 */
public class BucketAccessDeniedException extends ResourceAccessDeniedException {

    private static final long serialVersionUID = 1L;

    /**
     * @param pluginName the plugin
     * @param bucket      the logical bucket it asked for
     * @param allowed    the logical buckets it may use
     */
    public BucketAccessDeniedException(String pluginName, String bucket, List<String> allowed) {
        super(denial(pluginName, "bucket", bucket, allowed), bucket, allowed);
    }

    private BucketAccessDeniedException(String message, List<String> allowed, String resource) {
        super(message, resource, allowed);
    }

    /**
     * For refusals that are not about a missing declaration: a forbidden statement, function or
     * name form.
     *
     * @param message  the full explanation, naming the plugin
     * @param resource what was refused
     * @param allowed  the logical buckets the plugin may use
     * @return the exception
     */
    public static BucketAccessDeniedException refused(String message, String resource, List<String> allowed) {
        return new BucketAccessDeniedException(message, allowed, resource);
    }
}
