package io.pluginhost.admin;

import io.pluginhost.runtime.resource.ResourceOverrides;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plugin's resource overrides as JSON. An absent (null) allow-list keeps the declaration; an empty
 * one allows nothing.
 *
 * @param allowedTables  replaces the declared tables
 * @param allowedTopics  replaces the declared topics
 * @param allowedBuckets replaces the declared buckets
 * @param tableNameMap   logical table to mapped name
 * @param topicNameMap   logical topic to mapped name
 * @param bucketNameMap  logical bucket to mapped name
 */
public record OverridesView(List<String> allowedTables, List<String> allowedTopics, List<String> allowedBuckets,
                            Map<String, String> tableNameMap, Map<String, String> topicNameMap,
                            Map<String, String> bucketNameMap) {

    static OverridesView of(ResourceOverrides overrides) {
        return new OverridesView(overrides.allowedTables().orElse(null), overrides.allowedTopics().orElse(null),
                overrides.allowedBuckets().orElse(null), overrides.tableNameMap(), overrides.topicNameMap(),
                overrides.bucketNameMap());
    }

    ResourceOverrides toOverrides() {
        return new ResourceOverrides(Optional.ofNullable(allowedTables), Optional.ofNullable(allowedTopics),
                Optional.ofNullable(allowedBuckets), orEmpty(tableNameMap), orEmpty(topicNameMap),
                orEmpty(bucketNameMap));
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
