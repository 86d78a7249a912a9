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

    /** The JSON fields, in order. */
    static final List<String> FIELDS = List.of("allowedTables", "allowedTopics", "allowedBuckets", "tableNameMap",
            "topicNameMap", "bucketNameMap");

    /**
     * @param json the parsed body, with known fields only
     * @return the overrides it gives
     * @throws jakarta.ws.rs.BadRequestException if a field has the wrong shape
     */
    static OverridesView from(Map<String, Object> json) {
        return new OverridesView(list(json, "allowedTables"), list(json, "allowedTopics"), list(json, "allowedBuckets"),
                map(json, "tableNameMap"), map(json, "topicNameMap"), map(json, "bucketNameMap"));
    }

    private static List<String> list(Map<String, Object> json, String field) {
        Object value = json.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> items) || items.stream().anyMatch(i -> !(i instanceof String))) {
            throw new jakarta.ws.rs.BadRequestException("'" + field + "' must be a list of names");
        }
        return items.stream().map(String.class::cast).toList();
    }

    private static Map<String, String> map(Map<String, Object> json, String field) {
        Object value = json.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> entries) || entries.values().stream().anyMatch(v -> !(v instanceof String))) {
            throw new jakarta.ws.rs.BadRequestException("'" + field + "' must map names to names");
        }
        Map<String, String> copy = new java.util.LinkedHashMap<>();
        entries.forEach((k, v) -> copy.put(String.valueOf(k), (String) v));
        return copy;
    }

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
