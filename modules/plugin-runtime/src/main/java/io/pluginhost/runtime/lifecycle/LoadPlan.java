package io.pluginhost.runtime.lifecycle;

import io.pluginhost.runtime.resource.EffectiveResources;

import java.util.List;
import java.util.Map;

/**
 * What validation decided for one load, and all assembly needs besides the jar.
 *
 * @param resources the resources in effect
 * @param bound     the dependencies the plugin binds to, in declared order: every required one, and
 *                  each optional one that is loaded in a version in its range
 * @param config    the plugin's own settings
 */
public record LoadPlan(EffectiveResources resources, List<String> bound, Map<String, String> config) {

    /** Copies the collections. */
    public LoadPlan {
        bound = List.copyOf(bound);
        config = Map.copyOf(config);
    }
}
