package io.pluginhost.benchmarks;

import io.pluginhost.runtime.ModuleLayerPluginManager;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The PF4J comparison's rows in both hosts in one JVM, in rounds of 2 s per host and case that
 * alternate which host goes first, after 10 s of warm-up each: {@link CycleBenchmark}'s two cycles
 * (load, one call, unload of the same jar each time, and of a jar never seen: 512 distinct jars in
 * turn), and {@link ScaleBenchmark}'s time to first use of 10, 100 and 1,000 plugins (a new host, all
 * loaded, one event to each; closing it is not timed). On this project's virtual machines PF4J's
 * new-jar cycle measured 187 and 307 µs in two JMH runs of one day, single iterations up to 482 µs,
 * more than the two hosts differ: whatever slows the machine in a round slows both hosts here, and
 * the median of the rounds' ratios is what to compare. Both hosts share the JVM's compiled code and collector, so each runs
 * slower here than alone. Run: {@code java -Xmx2g --add-opens java.base/java.lang=ALL-UNNAMED -cp
 * benchmarks/target/benchmarks.jar io.pluginhost.benchmarks.Alternating [rounds, default 15]}.
 */
public final class Alternating {

    private static final int DISTINCT = 512;
    private static final int[] FIRST_USE = {10, 100, 1_000};
    private static final long WARM_UP_MILLIS = 10_000;
    private static final long ROUND_MILLIS = 2_000;

    private final List<Path> ours;
    private final List<Path> theirs;
    private final ModuleLayerPluginManager engine = new ModuleLayerPluginManager();
    private final PluginManager pf4j;
    private int nextOurs;
    private int nextTheirs;

    private Alternating(List<Path> ours, List<Path> theirs, Path emptyDirectory) {
        this.ours = ours;
        this.theirs = theirs;
        this.pf4j = new JarPluginManager(emptyDirectory);
    }

    public static void main(String[] args) throws IOException {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        List<Path> made = new ArrayList<>();
        Path empty = Files.createTempDirectory("pf4j-empty");
        try {
            Path ourJars = made(made, ScalePlugins.pluginhost(DISTINCT));
            Path theirJars = made(made, ScalePlugins.pf4j(DISTINCT));
            Alternating run = new Alternating(ScalePlugins.sortedJars(ourJars), ScalePlugins.sortedJars(theirJars),
                    empty);
            List<Case> cases = new ArrayList<>(run.cycles());
            for (int plugins : FIRST_USE) {
                Path ourFirst = made(made, ScalePlugins.pluginhost(plugins));
                Path theirFirst = made(made, ScalePlugins.pf4j(plugins));
                cases.add(new Case("first use of " + plugins, () -> ourFirstUse(ourFirst, plugins),
                        () -> theirFirstUse(theirFirst, plugins)));
            }
            run.run(cases, rounds);
        } finally {
            made.forEach(ScalePlugins::deleteDirectory);
            Files.deleteIfExists(empty);
        }
    }

    private static Path made(List<Path> made, Path directory) {
        made.add(directory);
        return directory;
    }

    /**
     * One case measured in both hosts: what a round of each took per operation, and their ratios.
     * An operation returns the nanoseconds of it that count.
     */
    private record Case(String name, LongSupplier ours, LongSupplier theirs, List<double[]> rounds) {
        Case(String name, LongSupplier ours, LongSupplier theirs) {
            this(name, ours, theirs, new ArrayList<>());
        }

        void round(boolean oursFirst) {
            double our;
            double their;
            if (oursFirst) {
                our = microsPerOperation(ours, ROUND_MILLIS);
                their = microsPerOperation(theirs, ROUND_MILLIS);
            } else {
                their = microsPerOperation(theirs, ROUND_MILLIS);
                our = microsPerOperation(ours, ROUND_MILLIS);
            }
            rounds.add(new double[] {our, their, our / their});
            System.out.printf(Locale.ROOT, "%s, round %d: ours %.1f µs, PF4J %.1f µs, ratio %.2f%n", name,
                    rounds.size(), our, their, our / their);
        }

        String summary() {
            double[] ratios = column(2);
            return String.format(Locale.ROOT, "%s: medians of %d rounds: ours %.1f µs, PF4J %.1f µs; ratio %.2f"
                    + " (rounds from %.2f to %.2f)", name, rounds.size(), median(column(0)), median(column(1)),
                    median(ratios), ratios[0], ratios[ratios.length - 1]);
        }

        private double[] column(int index) {
            double[] values = new double[rounds.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rounds.get(i)[index];
            }
            Arrays.sort(values);
            return values;
        }
    }

    private List<Case> cycles() {
        return List.of(
                new Case("cycle, same jar", () -> ourCycle(0), () -> theirCycle(0)),
                new Case("cycle, new jar", () -> ourCycle(nextOurs = (nextOurs + 1) % DISTINCT),
                        () -> theirCycle(nextTheirs = (nextTheirs + 1) % DISTINCT)));
    }

    private void run(List<Case> cases, int rounds) {
        for (Case each : cases) {
            microsPerOperation(each.ours(), WARM_UP_MILLIS);
            microsPerOperation(each.theirs(), WARM_UP_MILLIS);
        }
        for (int round = 0; round < rounds; round++) {
            for (Case each : cases) {
                each.round(round % 2 == 0);
            }
        }
        engine.close();
        pf4j.unloadPlugins();
        cases.forEach(each -> System.out.println(each.summary()));
    }

    private long ourCycle(int index) {
        return timed(() -> ScalePlugins.cycle(engine, ours.get(index), ScalePlugins.pluginhostName(index)),
                result -> { });
    }

    private long theirCycle(int index) {
        return timed(() -> ScalePlugins.cycle(pf4j, theirs.get(index)), result -> { });
    }

    private static long ourFirstUse(Path directory, int plugins) {
        return timed(() -> ScalePlugins.firstUse(directory, plugins), ModuleLayerPluginManager::close);
    }

    private static long theirFirstUse(Path directory, int plugins) {
        return timed(() -> ScalePlugins.pf4jFirstUse(directory, plugins), PluginManager::unloadPlugins);
    }

    /** @return the nanoseconds {@code operation} took; what it made is then handed to {@code after}, untimed */
    private static <T> long timed(Supplier<T> operation, Consumer<T> after) {
        long start = System.nanoTime();
        T made = operation.get();
        long took = System.nanoTime() - start;
        after.accept(made);
        return took;
    }

    /** Runs operations for about {@code millis} (at least one) and returns the mean of what they timed. */
    private static double microsPerOperation(LongSupplier operation, long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long timed = 0;
        int operations = 0;
        do {
            timed += operation.getAsLong();
            operations++;
        } while (System.nanoTime() < end);
        return timed / 1_000.0 / operations;
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
