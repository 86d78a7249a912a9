package io.pluginhost.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The static descriptor of a plugin, placed on the class the module provides as {@link Plugin}.
 *
 * <p>The host reads this annotation from the class file, without loading the class, so that
 * names, dependencies and declared resources are validated before any plugin code runs.
 * Values must therefore be compile-time constants, which the Java compiler enforces.
 *
 * <p>Naming rules, checked at load:
 * <ul>
 *   <li>{@code name} and each dependency: 1-63 lowercase letters and digits with single {@code -}
 *       between them, no {@code _} (it separates a plugin from its resources in physical names);</li>
 *   <li>tables: lowercase {@code [a-z][a-z0-9_]*}; the physical name {@code <plugin>_<table>}
 *       must fit PostgreSQL's 63-byte identifier limit;</li>
 *   <li>topics: lowercase {@code [a-z0-9._-]}, no two that differ only by {@code .} against {@code _}
 *       (Kafka takes them for one); the physical name {@code <plugin>_<topic>} at most 249
 *       characters;</li>
 *   <li>buckets: lowercase {@code [a-z0-9.-]}, no {@code _}; the physical name
 *       {@code <plugin>--<bucket>} must be a legal S3 bucket name.</li>
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PluginMetadata {

    /** @return the plugin's unique name, e.g. {@code "my-plugin"} */
    String name();

    /** @return the plugin's version, free-form, e.g. {@code "1.0.0"} */
    String version();

    /** @return a one-line description for operators */
    String description() default "";

    /**
     * The plugins this one may use, each {@code name}, optionally followed by {@code ?} (optional: the
     * plugin also loads without it, and binds to it when it is loaded later) and by {@code @} and a
     * version range ({@code "contacts@^1.2"}, {@code "audit?@>=2.0 <3.0"}, {@code "mail@[1.0,2.0)"}).
     * A required dependency must be loaded first, in a version in its range; an optional one binds
     * only when it is loaded in a version in its range. The plugin's module may {@code requires} a
     * required dependency's module, and an optional one's only as {@code requires static}.
     *
     * @return the declared dependencies
     */
    String[] dependencies() default {};

    /** @return logical names of the database tables this plugin may use */
    String[] allowedTables() default {};

    /** @return logical names of the Kafka topics this plugin may use */
    String[] allowedTopics() default {};

    /** @return logical names of the S3 buckets this plugin may use */
    String[] allowedBuckets() default {};
}
