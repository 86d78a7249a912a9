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

/**
 * {@link CycleBenchmark}'s two cycles (load, one call, unload of the same jar each time, and of a jar
 * never seen: 512 distinct jars in turn) in both hosts in one JVM, in rounds of 2 s per host and case
 * that alternate which host goes first, after 10 s of warm-up each. On this project's virtual machines
 * JMH's iterations of PF4J's new-jar cycle ranged from 187 to 482 µs in one day, more than the two
 * hosts differ: whatever slows the machine in a round slows both hosts here, and the median of the
 * rounds' ratios is what to compare. Both hosts share the JVM's compiled code and collector, so
 * each runs slower here than alone. Run: {@code java -Xmx1g --add-opens java.base/java.lang=ALL-UNNAMED
 * -cp benchmarks/target/benchmarks.jar io.pluginhost.benchmarks.CycleAlternating [rounds, default 15]}.
 */
public final class CycleAlternating {

    private static final int DISTINCT = 512;
    private static final long WARM_UP_MILLIS = 10_000;
    private static final long ROUND_MILLIS = 2_000;

    private final List<Path> ours;
    private final List<Path> theirs;
    private final ModuleLayerPluginManager engine = new ModuleLayerPluginManager();
    private final PluginManager pf4j;
    private int nextOurs;
    private int nextTheirs;

    private CycleAlternating(List<Path> ours, List<Path> theirs, Path emptyDirectory) {
        this.ours = ours;
        this.theirs = theirs;
        this.pf4j = new JarPluginManager(emptyDirectory);
    }

    public static void main(String[] args) throws IOException {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path ourDirectory = ScalePlugins.pluginhost(DISTINCT);
        Path theirDirectory = ScalePlugins.pf4j(DISTINCT);
        Path empty = Files.createTempDirectory("pf4j-empty");
        try {
            new CycleAlternating(ScalePlugins.sortedJars(ourDirectory), ScalePlugins.sortedJars(theirDirectory),
                    empty).run(rounds);
        } finally {
            ScalePlugins.deleteDirectory(ourDirectory);
            ScalePlugins.deleteDirectory(theirDirectory);
            Files.deleteIfExists(empty);
        }
    }

    /** One case measured in both hosts: what a round of each took per cycle, and their ratios. */
    private record Case(String name, Runnable ourCycle, Runnable theirCycle, List<double[]> rounds) {
        Case(String name, Runnable ourCycle, Runnable theirCycle) {
            this(name, ourCycle, theirCycle, new ArrayList<>());
        }

        void round(boolean oursFirst) {
            double our;
            double their;
            if (oursFirst) {
                our = microsPerCycle(ourCycle, ROUND_MILLIS);
                their = microsPerCycle(theirCycle, ROUND_MILLIS);
            } else {
                their = microsPerCycle(theirCycle, ROUND_MILLIS);
                our = microsPerCycle(ourCycle, ROUND_MILLIS);
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

    private void run(int rounds) {
        List<Case> cases = List.of(
                new Case("same jar", () -> ourCycle(0), () -> theirCycle(0)),
                new Case("new jar", () -> ourCycle(nextOurs = (nextOurs + 1) % DISTINCT),
                        () -> theirCycle(nextTheirs = (nextTheirs + 1) % DISTINCT)));
        for (Case each : cases) {
            microsPerCycle(each.ourCycle(), WARM_UP_MILLIS);
            microsPerCycle(each.theirCycle(), WARM_UP_MILLIS);
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

    private void ourCycle(int index) {
        ScalePlugins.cycle(engine, ours.get(index), ScalePlugins.pluginhostName(index));
    }

    private void theirCycle(int index) {
        ScalePlugins.cycle(pf4j, theirs.get(index));
    }

    /** Runs cycles for about {@code millis} and returns the mean time of one. */
    private static double microsPerCycle(Runnable cycle, long millis) {
        long start = System.nanoTime();
        long end = start + millis * 1_000_000L;
        int cycles = 0;
        while (System.nanoTime() < end) {
            cycle.run();
            cycles++;
        }
        return (System.nanoTime() - start) / 1_000.0 / cycles;
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

}
