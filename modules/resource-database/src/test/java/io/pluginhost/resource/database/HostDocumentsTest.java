package io.pluginhost.resource.database;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Documents nodes share, in a real PostgreSQL and in H2: a write made from a version another node has
 * written past is refused, so nodes that change one document at once, each reading again when refused, keep
 * every change.
 */
class HostDocumentsTest {

    private static DataSource database(String kind) {
        return TestDatabases.of(kind, "jdbc:h2:mem:host-documents;DB_CLOSE_DELAY=-1");
    }

    private static HostDocuments node(DataSource database) {
        return new HostDocuments(() -> database, Duration.ofSeconds(10));
    }

    /** A document name no earlier run of the test used, against the same server. */
    private static String name(String base) {
        return base + "-" + System.nanoTime();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aWriteMadeFromAnOlderVersionIsRefusedAndLeavesTheDocumentAsItWas(String kind) throws Exception {
        DataSource database = database(kind);
        HostDocuments a = node(database);
        HostDocuments b = node(database);
        String name = name("state");
        assertThat(a.read(name)).isEmpty();
        assertThat(a.version(name)).isZero();

        assertThat(a.write(name, 0, "{\"a\":1}")).isEqualTo(1);
        assertThat(b.write(name, 0, "{\"b\":1}")).as("a second first write").isEqualTo(-1);
        assertThat(b.read(name)).contains(new HostDocuments.Stored(1, "{\"a\":1}"));

        assertThat(b.write(name, 1, "{\"a\":1,\"b\":1}")).isEqualTo(2);
        assertThat(a.write(name, 1, "{\"a\":2}")).as("made from version 1, which b wrote past").isEqualTo(-1);
        assertThat(a.version(name)).isEqualTo(2);
        assertThat(a.read(name)).contains(new HostDocuments.Stored(2, "{\"a\":1,\"b\":1}"));
        String large = "x".repeat(300_000);
        assertThat(a.write(name, 2, large)).isEqualTo(3);
        assertThat(b.read(name).map(HostDocuments.Stored::text)).contains(large);
    }

    /** Four nodes each add five names to one document at once, reading again when refused: all twenty stay. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void nodesChangingOneDocumentAtOnceKeepEveryChange(String kind) throws Exception {
        DataSource database = database(kind);
        String name = name("race");
        int nodes = 4;
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService threads = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<Integer>> refusals = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                HostDocuments node = node(database);
                String prefix = "n" + n + "-";
                refusals.add(threads.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    int refused = 0;
                    for (int i = 0; i < 5; i++) {
                        while (true) {
                            Optional<HostDocuments.Stored> read = node.read(name);
                            TreeSet<String> names = new TreeSet<>();
                            read.ifPresent(s -> names.addAll(Arrays.asList(s.text().split(","))));
                            names.remove("");
                            names.add(prefix + i);
                            if (node.write(name, read.map(HostDocuments.Stored::version).orElse(0L),
                                    String.join(",", names)) > 0) {
                                break;
                            }
                            refused++;
                        }
                    }
                    return refused;
                }));
            }
            for (Future<Integer> refused : refusals) {
                refused.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        HostDocuments.Stored stored = node(database).read(name).orElseThrow();
        assertThat(stored.text().split(",")).hasSize(nodes * 5);
        assertThat(stored.version()).isEqualTo(nodes * 5);
    }

    /** Reports each node writes alone: put whatever their version, listed by the start of their names, deleted. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void documentsArePutListedByTheStartOfTheirNameAndDeleted(String kind) throws Exception {
        HostDocuments node = node(database(kind));
        String prefix = name("report_%") + ":"; // LIKE's wildcards in a name match only themselves
        node.put(prefix + "a", "1");
        node.put(prefix + "a", "2");
        node.put(prefix + "b", "3");
        node.put(prefix.replace("_%", "xy") + "c", "not listed");

        assertThat(node.list(prefix)).containsOnlyKeys(prefix + "a", prefix + "b");
        assertThat(node.list(prefix).get(prefix + "a")).isEqualTo(new HostDocuments.Stored(2, "2"));
        node.delete(prefix + "a");
        assertThat(node.list(prefix)).containsOnlyKeys(prefix + "b");
        assertThat(node.read(prefix + "a")).isEmpty();
    }
}
