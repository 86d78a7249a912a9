package io.pluginhost.runtime.resource;

import io.pluginhost.api.exception.InvalidNameException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one plugin may use of one kind of resource, and the physical name of each: the rule the
 * database, Kafka and S3 repositories all enforce. Immutable; built (and fully validated) at load.
 */
public final class ResourcePolicy {

    private final String pluginName;
    private final ResourceKind kind;
    private final List<String> allowed;
    private final Map<String, String> physicalByLogical;

    ResourcePolicy(String pluginName, ResourceKind kind, List<String> allowed, Map<String, String> nameMap) {
        this.pluginName = pluginName;
        this.kind = kind;
        this.allowed = List.copyOf(allowed);
        Map<String, String> physical = new LinkedHashMap<>();
        Map<String, String> logicalByPhysical = new LinkedHashMap<>();
        for (String logical : this.allowed) {
            kind.validateLogical(logical);
            if (physical.containsKey(logical)) {
                throw new InvalidNameException("plugin '" + pluginName + "' lists " + kind.noun() + " '" + logical
                        + "' twice in " + this.allowed);
            }
            String name = kind.physicalName(pluginName, nameMap.getOrDefault(logical, logical));
            String other = logicalByPhysical.putIfAbsent(kind.sameInTheSystem(name), logical);
            if (other != null && physical.get(other).equals(name)) {
                throw new InvalidNameException("plugin '" + pluginName + "': " + kind.noun() + "s '" + other + "' and '"
                        + logical + "' would both be '" + name + "'; a name map must not merge two " + kind.noun()
                        + "s");
            }
            if (other != null) {
                throw new InvalidNameException("plugin '" + pluginName + "': " + kind.noun() + "s '" + other + "' and '"
                        + logical + "' would be '" + physical.get(other) + "' and '" + name + "'" + kind.whySame());
            }
            physical.put(logical, name);
        }
        this.physicalByLogical = Map.copyOf(physical);
    }

    /** @return the kind of resource */
    public ResourceKind kind() {
        return kind;
    }

    /** @return the logical names in effect, in declared (or overridden) order */
    public List<String> allowed() {
        return allowed;
    }

    /**
     * @param logical a logical name
     * @return whether the plugin may use it
     */
    public boolean isAllowed(String logical) {
        return physicalByLogical.containsKey(logical);
    }

    /**
     * @param logical a logical name the plugin uses
     * @return its physical name
     * @throws io.pluginhost.api.exception.ResourceAccessDeniedException of this kind, naming the allowed
     *                                                                   set, if it is not allowed
     */
    public String physicalName(String logical) {
        String physical = logical == null ? null : physicalByLogical.get(logical);
        if (physical == null) {
            throw kind.denied(pluginName, logical, allowed);
        }
        return physical;
    }

    /** @return logical name to physical name, for every allowed name, in order */
    public Map<String, String> physicalNames() {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String name : allowed) {
            ordered.put(name, physicalByLogical.get(name));
        }
        return ordered;
    }
}
