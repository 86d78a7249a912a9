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
 *   <li>topic {@code events} is {@code my-plugin_events};</li>
 *   <li>bucket {@code data} is {@code my-plugin--data}: S3 forbids {@code _}, and {@code --} never
 *       occurs in a plugin name, so the mapping stays injective (two plugins can never share a bucket).
 *       A plugin whose name contains {@code _} cannot declare buckets.</li>
 * </ul>
 */
public enum ResourceKind {

    TABLE("table", "_") {
        private final Pattern logical = Pattern.compile("[a-z][a-z0-9_]*");

        @Override
        void checkLogical(String name) {
            if (!logical.matcher(name).matches()) {
                throw new InvalidNameException("table name '" + name + "' is invalid: use lowercase letters, digits"
                        + " and '_', starting with a letter (e.g. 'order_items')");
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
        private final Pattern logical = Pattern.compile("[a-zA-Z0-9._-]+");

        @Override
        void checkLogical(String name) {
            if (!logical.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                throw new InvalidNameException("topic name '" + name + "' is invalid: use letters, digits, '.', '_'"
                        + " and '-' (e.g. 'user-events')");
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
            if (pluginName.contains("_")) {
                why = "S3 bucket names cannot contain '_' and the plugin name has one; rename the plugin with '-'";
            } else if (physical.length() < 3 || physical.length() > 63) {
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

    private static final Pattern PLUGIN_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9]|[_-](?=[a-z0-9]))*");

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

    abstract void checkPhysical(String physical, String pluginName, String logicalName);

    /**
     * Validates a plugin name: lowercase {@code [a-z0-9_-]}, 1-63 characters, starting with a letter
     * or digit, no trailing or doubled separator. The limit keeps plugin names usable as prefixes,
     * role names and bucket prefixes.
     *
     * @param name the plugin name
     * @throws InvalidNameException if it breaks the rules
     */
    public static void validatePluginName(String name) {
        if (name == null || name.isEmpty() || name.length() > 63 || !PLUGIN_NAME.matcher(name).matches()) {
            throw new InvalidNameException("plugin name '" + name + "' is invalid: use 1-63 lowercase letters, digits,"
                    + " '-' or '_', starting with a letter or digit, with no trailing or doubled separator"
                    + " (e.g. 'order-export')");
        }
    }
}
