package io.pluginhost.runtime.resource;

import io.pluginhost.api.exception.BucketAccessDeniedException;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.ResourceAccessDeniedException;
import io.pluginhost.api.exception.TableAccessDeniedException;
import io.pluginhost.api.exception.TopicAccessDeniedException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The three kinds of resource a plugin can declare, each with its naming rules and the one mapping
 * from a plugin's logical name to the physical name in the external system.
 *
 * <ul>
 *   <li>table {@code users} of plugin {@code my-plugin} is {@code my-plugin_users} (quote it in SQL);</li>
 *   <li>topic {@code events} is {@code my-plugin_events} (consumer groups are mapped the same way);</li>
 *   <li>bucket {@code data} is {@code my-plugin--data}: S3 forbids {@code _}.</li>
 * </ul>
 *
 * <p>The mapping is injective: no two distinct (plugin, logical name) pairs of one kind share a
 * physical name, so two plugins can never meet in one table, topic, group or bucket. It holds
 * because a plugin name contains neither {@code _} nor {@code --}: the first separator in a physical
 * name always ends the plugin's name. Kafka takes two topic names that differ only by {@code .} against
 * {@code _} for one; a plugin name has neither, so only one plugin's own topics could meet that way, and
 * its policy refuses them ({@link ResourcePolicy}). The names of indexes and constraints a plugin creates are
 * mapped as tables are (they share PostgreSQL's namespace with tables).
 */
public enum ResourceKind {

    TABLE("table", "_") {
        private final Pattern logical = Pattern.compile("[a-z][a-z0-9]*(?:_[a-z0-9]+)*");

        @Override
        void checkLogical(String name) {
            if (!logical.matcher(name).matches()) {
                throw new InvalidNameException("table name '" + name + "' is invalid: use lowercase letters, digits"
                        + " and single '_' between them, starting with a letter (e.g. 'order_items')");
            }
        }

        @Override
        void checkPhysical(String physical, String pluginName, String logicalName) {
            // PostgreSQL silently truncates identifiers to 63 bytes, which could merge two tables.
            if (physical.length() > 63) {
                throw new InvalidNameException("table '" + logicalName + "' of plugin '" + pluginName
                        + "' maps to '" + physical + "', longer than the 63 characters PostgreSQL allows");
            }
        }

        @Override
        public ResourceAccessDeniedException denied(String pluginName, String name, List<String> allowed) {
            return new TableAccessDeniedException(pluginName, name, allowed);
        }
    },

    TOPIC("topic", "_") {
        // Lowercase only: Kafka treats 'UserEvents' and 'userevents' as two topics, and so would we.
        private final Pattern logical = Pattern.compile("[a-z0-9][a-z0-9._-]*");

        @Override
        void checkLogical(String name) {
            if (!logical.matcher(name).matches() || name.contains("..") || name.endsWith(".")) {
                throw new InvalidNameException("topic name '" + name + "' is invalid: use lowercase letters, digits,"
                        + " '.', '_' and '-', starting with a letter or digit, with no '..' and no trailing '.'"
                        + " (e.g. 'user-events')");
            }
        }

        @Override
        void checkPhysical(String physical, String pluginName, String logicalName) {
            if (physical.length() > 249) {
                throw new InvalidNameException("topic '" + logicalName + "' of plugin '" + pluginName
                        + "' maps to a name longer than the 249 characters Kafka allows");
            }
        }

        @Override
        String sameInTheSystem(String physical) {
            return physical.replace('.', '_'); // Kafka refuses a topic that differs from another only so
        }

        @Override
        String whySame() {
            return ", which Kafka takes for one topic ('.' and '_' are the same in its metric names): rename one";
        }

        @Override
        public ResourceAccessDeniedException denied(String pluginName, String name, List<String> allowed) {
            return new TopicAccessDeniedException(pluginName, name, allowed);
        }
    },

    BUCKET("bucket", "--") {
        private final Pattern logical = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
        private final Pattern ipAddress = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

        @Override
        void checkLogical(String name) {
            if (!logical.matcher(name).matches() || name.contains("..") || name.contains(".-")
                    || name.contains("-.")) {
                throw new InvalidNameException("bucket name '" + name + "' is invalid: use lowercase letters, digits,"
                        + " '-' and single '.', starting and ending with a letter or digit; no '_' (e.g. 'reports')");
            }
        }

        @Override
        void checkPhysical(String physical, String pluginName, String logicalName) {
            String why = null;
            if (physical.length() < 3 || physical.length() > 63) {
                why = "S3 bucket names are 3 to 63 characters";
            } else if (ipAddress.matcher(physical).matches()) {
                why = "S3 bucket names cannot look like an IP address";
            } else if (physical.startsWith("xn--") || physical.startsWith("sthree-")
                    || physical.startsWith("amzn-s3-demo-")) {
                why = "S3 reserves that prefix";
            } else if (physical.endsWith("-s3alias") || physical.endsWith("--ol-s3") || physical.endsWith(".mrap")
                    || physical.endsWith("--x-s3") || physical.endsWith("--table-s3")) {
                why = "S3 reserves that suffix";
            }
            if (why != null) {
                throw new InvalidNameException("bucket '" + logicalName + "' of plugin '" + pluginName + "' maps to '"
                        + physical + "', which is not a legal S3 bucket name: " + why);
            }
        }

        @Override
        public ResourceAccessDeniedException denied(String pluginName, String name, List<String> allowed) {
            return new BucketAccessDeniedException(pluginName, name, allowed);
        }
    };

    /** No '_' and no '--': that is what keeps every physical name injective (see the class comment). */
    private static final Pattern PLUGIN_NAME = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");

    private final String noun;
    private final String separator;

    ResourceKind(String noun, String separator) {
        this.noun = noun;
        this.separator = separator;
    }

    /** @return "table", "topic" or "bucket" */
    public String noun() {
        return noun;
    }

    /**
     * Validates a logical name (as declared, overridden or used as a name-map target).
     *
     * @param name the logical name
     * @throws InvalidNameException if it breaks this kind's rules
     */
    public void validateLogical(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidNameException(noun + " name must not be empty");
        }
        checkLogical(name);
    }

    /**
     * The one mapping from a (possibly name-mapped) logical name to the physical name.
     *
     * @param pluginName the owning plugin
     * @param mappedName the logical name after applying any name map
     * @return the physical name
     * @throws InvalidNameException if the result is not legal in the external system
     */
    public String physicalName(String pluginName, String mappedName) {
        String physical = pluginName + separator + mappedName;
        checkPhysical(physical, pluginName, mappedName);
        return physical;
    }

    /**
     * @param pluginName the plugin
     * @param name       the refused logical name
     * @param allowed    what it may use
     * @return this kind's access-denied exception
     */
    public abstract ResourceAccessDeniedException denied(String pluginName, String name, List<String> allowed);

    abstract void checkLogical(String name);

    /**
     * @param physical a physical name
     * @return what the external system compares when it tells two names apart: two physical names with the
     *         same answer cannot both exist there (Kafka's topics); the name itself for the others
     */
    String sameInTheSystem(String physical) {
        return physical;
    }

    /** @return the end of the message refusing two names {@link #sameInTheSystem} takes for one */
    String whySame() {
        return "";
    }

    abstract void checkPhysical(String physical, String pluginName, String logicalName);

    /**
     * Validates a plugin name: lowercase letters, digits and single {@code -} between them, 1-63
     * characters. No {@code _}: it separates the plugin from the resource in physical names. The
     * limit keeps plugin names usable as prefixes, role names and bucket prefixes.
     *
     * @param name the plugin name
     * @throws InvalidNameException if it breaks the rules
     */
    public static void validatePluginName(String name) {
        if (name == null || name.isEmpty() || name.length() > 63 || !PLUGIN_NAME.matcher(name).matches()) {
            throw new InvalidNameException("plugin name '" + name + "' is invalid: use 1-63 lowercase letters, digits"
                    + " and single '-' between them; no '_', which separates the plugin from its resources in"
                    + " physical names (e.g. 'order-export')");
        }
    }
}
