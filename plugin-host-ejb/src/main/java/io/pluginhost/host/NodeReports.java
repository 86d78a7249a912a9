package io.pluginhost.host;

import io.pluginhost.resource.database.HostDocuments;
import io.pluginhost.runtime.PluginInfo;
import jakarta.json.bind.Jsonb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * What each node of a cluster that shares its operator state says it runs: a document per node
 * ({@code node:<id>} in {@code pluginhost$document}) with its plugins, their versions and states (and what each
 * said of its own health when this node last asked, {@code UP} or {@code DOWN: <why>}), and the
 * version of the shared state it has followed, so an operator who changed the state on one node sees
 * whether every node did it. A node writes its report when it changes, and at least every
 * {@link #HEARTBEAT} (a node whose report is older than {@link #SILENT} is listed as silent: stopped
 * without a word, or cut off from the database), and takes it back when it stops.
 */
final class NodeReports {

    private static final Logger LOG = Logger.getLogger(NodeReports.class.getName());
    /** The start of every node report's name. */
    static final String PREFIX = "node:";
    /** How often a node writes its report when nothing changed. */
    static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** How old a report may be before its node is listed as silent. */
    static final Duration SILENT = HEARTBEAT.multipliedBy(3);

    private final HostDocuments documents;
    private final String node;
    private final Jsonb json;
    private final Supplier<Instant> clock;
    private final UnaryOperator<String> withoutServerPaths;
    /** What this node last wrote, without its time; and when. */
    private Map<String, Object> written;
    private Instant writtenAt = Instant.MIN;

    /**
     * @param documents          where the nodes keep their reports
     * @param node               this node's id
     * @param json               the host's JSON-B
     * @param clock              the time now
     * @param withoutServerPaths takes the server's paths out of a plugin's error
     */
    NodeReports(HostDocuments documents, String node, Jsonb json, Supplier<Instant> clock,
                UnaryOperator<String> withoutServerPaths) {
        this.documents = documents;
        this.node = node;
        this.json = json;
        this.clock = clock;
        this.withoutServerPaths = withoutServerPaths;
    }

    /**
     * Writes this node's report if it changed, or if the last one is {@link #HEARTBEAT} old.
     *
     * @param plugins      what the engine lists
     * @param stateVersion the version of the shared state this node has followed
     * @throws Exception if the database cannot be reached or written
     */
    synchronized void report(List<PluginInfo> plugins, long stateVersion) throws Exception {
        Map<String, Object> report = report(node, plugins, stateVersion, withoutServerPaths);
        Instant now = clock.get();
        if (report.equals(written) && writtenAt.plus(HEARTBEAT).isAfter(now)) {
            return;
        }
        Map<String, Object> stamped = new LinkedHashMap<>(report);
        stamped.put("reportedAt", now.toString());
        documents.put(PREFIX + node, json.toJson(stamped));
        written = report;
        writtenAt = now;
    }

    /**
     * @return this node's report as it is now, as {@link #report(List, long)} writes it (without its time)
     */
    static Map<String, Object> report(String node, List<PluginInfo> plugins, long stateVersion,
                                      UnaryOperator<String> withoutServerPaths) {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (PluginInfo plugin : plugins) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", plugin.name());
            entry.put("version", plugin.descriptor().version());
            entry.put("state", plugin.state().name());
            plugin.error().ifPresent(error -> entry.put("error", withoutServerPaths.apply(error)));
            plugin.health().ifPresent(known -> entry.put("health", known.said().isUp() ? "UP"
                    : "DOWN: " + withoutServerPaths.apply(known.said().reason())));
            listed.add(entry);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("node", node);
        report.put("stateVersion", stateVersion);
        report.put("plugins", listed);
        return report;
    }

    /**
     * @return every node's last report, by node id, each with {@code silent} set if it is older than
     *         {@link #SILENT}; a report that cannot be read is listed with the reason
     * @throws Exception if the database cannot be reached or read
     */
    List<Map<String, Object>> nodes() throws Exception {
        Instant now = clock.get();
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Map.Entry<String, HostDocuments.Stored> stored : documents.list(PREFIX).entrySet()) {
            Map<String, Object> report = new LinkedHashMap<>();
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> read = json.fromJson(stored.getValue().text(), Map.class);
                for (String key : List.of("node", "stateVersion", "plugins", "reportedAt")) {
                    report.put(key, read.get(key)); // in the order written; JSON-B reads into a HashMap
                }
                Instant at = Instant.parse(String.valueOf(read.get("reportedAt")));
                report.put("silent", at.plus(SILENT).isBefore(now));
            } catch (RuntimeException e) {
                report.put("node", stored.getKey().substring(PREFIX.length()));
                report.put("unreadable", String.valueOf(e.getMessage()));
            }
            nodes.add(report);
        }
        return nodes;
    }

    /** Takes this node's report back: it stops, and is not a silent node but none. */
    synchronized void withdraw() {
        try {
            documents.delete(PREFIX + node);
        } catch (Exception e) {
            LOG.warning("cannot take back the report of node " + node + " from " + documents + " (" + e.getMessage()
                    + "); it is listed as silent after " + SILENT);
        }
    }

    @Override
    public String toString() {
        return "the node reports in " + documents;
    }
}
