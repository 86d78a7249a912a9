package io.pluginhost.runtime.resource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operator overrides of a plugin's resources. An allow-list that is present replaces the declared
 * one (an empty list allows nothing); an absent one keeps the declaration. A name map sends a logical
 * name to another logical name before prefixing: with {@code tableNameMap = {users: shared_users}},
 * plugin {@code crm}'s {@code users} is the physical table {@code crm_shared_users}.
 *
 * @param allowedTables  replaces the declared tables, if present
 * @param allowedTopics  replaces the declared topics, if present
 * @param allowedBuckets replaces the declared buckets, if present
 * @param tableNameMap   logical table name to mapped name
 * @param topicNameMap   logical topic name to mapped name
 * @param bucketNameMap  logical bucket name to mapped name
 */
public record ResourceOverrides(
        Optional<List<String>> allowedTables,
        Optional<List<String>> allowedTopics,
        Optional<List<String>> allowedBuckets,
        Map<String, String> tableNameMap,
        Map<String, String> topicNameMap,
        Map<String, String> bucketNameMap) {

    /** No overrides at all. */
    public static final ResourceOverrides NONE = new ResourceOverrides(Optional.empty(), Optional.empty(),
            Optional.empty(), Map.of(), Map.of(), Map.of());

    /** Copies every collection. */
    public ResourceOverrides {
        allowedTables = copyOf(allowedTables);
        allowedTopics = copyOf(allowedTopics);
        allowedBuckets = copyOf(allowedBuckets);
        tableNameMap = Map.copyOf(tableNameMap);
        topicNameMap = Map.copyOf(topicNameMap);
        bucketNameMap = Map.copyOf(bucketNameMap);
    }

    private static Optional<List<String>> copyOf(Optional<List<String>> names) {
        return names.isPresent() ? Optional.of(List.copyOf(names.get())) : names;
    }

    /** @return a builder starting from no overrides */
    public static Builder builder() {
        return new Builder(NONE);
    }

    /** @return a builder starting from these overrides */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * @param kind a resource kind
     * @return the allow-list override of that kind, if any
     */
    public Optional<List<String>> allowed(ResourceKind kind) {
        return switch (kind) {
            case TABLE -> allowedTables;
            case TOPIC -> allowedTopics;
            case BUCKET -> allowedBuckets;
        };
    }

    /**
     * @param kind a resource kind
     * @return the name map of that kind
     */
    public Map<String, String> nameMap(ResourceKind kind) {
        return switch (kind) {
            case TABLE -> tableNameMap;
            case TOPIC -> topicNameMap;
            case BUCKET -> bucketNameMap;
        };
    }

    /**
     * Checks every name in the overrides against its kind's rules.
     *
     * @throws io.pluginhost.api.exception.InvalidNameException on the first invalid name
     */
    public void validateNames() {
        for (ResourceKind kind : ResourceKind.values()) {
            for (String name : allowed(kind).orElse(List.of())) {
                kind.validateLogical(name);
            }
            for (Map.Entry<String, String> mapping : nameMap(kind).entrySet()) {
                kind.validateLogical(mapping.getKey());
                kind.validateLogical(mapping.getValue());
            }
        }
    }

    /** Builds overrides one field at a time. */
    public static final class Builder {
        private Optional<List<String>> tables;
        private Optional<List<String>> topics;
        private Optional<List<String>> buckets;
        private Map<String, String> tableMap;
        private Map<String, String> topicMap;
        private Map<String, String> bucketMap;

        private Builder(ResourceOverrides from) {
            tables = from.allowedTables;
            topics = from.allowedTopics;
            buckets = from.allowedBuckets;
            tableMap = from.tableNameMap;
            topicMap = from.topicNameMap;
            bucketMap = from.bucketNameMap;
        }

        /** @param names the tables to allow instead of the declared ones @return this */
        public Builder allowedTables(List<String> names) {
            tables = Optional.of(names);
            return this;
        }

        /** @param names the topics to allow instead of the declared ones @return this */
        public Builder allowedTopics(List<String> names) {
            topics = Optional.of(names);
            return this;
        }

        /** @param names the buckets to allow instead of the declared ones @return this */
        public Builder allowedBuckets(List<String> names) {
            buckets = Optional.of(names);
            return this;
        }

        /** @param map logical table name to mapped name @return this */
        public Builder tableNameMap(Map<String, String> map) {
            tableMap = map;
            return this;
        }

        /** @param map logical topic name to mapped name @return this */
        public Builder topicNameMap(Map<String, String> map) {
            topicMap = map;
            return this;
        }

        /** @param map logical bucket name to mapped name @return this */
        public Builder bucketNameMap(Map<String, String> map) {
            bucketMap = map;
            return this;
        }

        /** @return the overrides */
        public ResourceOverrides build() {
            return new ResourceOverrides(tables, topics, buckets, tableMap, topicMap, bucketMap);
        }
    }
}
