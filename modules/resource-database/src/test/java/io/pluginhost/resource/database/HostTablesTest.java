package io.pluginhost.resource.database;

import io.pluginhost.devservices.PostgresDevServer;
import org.junit.jupiter.api.RepeatedTest;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Nodes that start at once each make the host's table if it is missing, on a real PostgreSQL: every one
 * of them goes on, whichever of PostgreSQL's errors for a table made meanwhile it gets.
 */
class HostTablesTest {

    @RepeatedTest(3)
    void nodesMakingATableAtOnceAllGoOn() throws Exception {
        DataSource database = PostgresDevServer.dataSource();
        String table = "pluginhost$race_" + System.nanoTime();
        int nodes = 8;
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService threads = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<?>> made = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                made.add(threads.submit(() -> {
                    try (Connection connection = database.getConnection()) {
                        start.await(30, TimeUnit.SECONDS);
                        HostTables.make(connection, table, "name VARCHAR(10) PRIMARY KEY", "drop it");
                    }
                    return null;
                }));
            }
            for (Future<?> each : made) {
                each.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
            try (Connection connection = database.getConnection(); Statement drop = connection.createStatement()) {
                drop.execute("DROP TABLE IF EXISTS " + SqlNames.quote(table));
            }
        }
    }
}
