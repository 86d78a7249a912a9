package io.pluginhost.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.nio.file.Path;

/**
 * N distinct plugins for each host ({@link ScalePlugins}), N = 10, 100, 1,000, made once per trial
 * and deleted after it: the state the scale and delivery benchmarks share.
 */
@State(Scope.Benchmark)
public class PluginDirectories {

    @Param({"10", "100", "1000"})
    public int plugins;

    /**
     * Our plugins, and PF4J's: N distinct ones, or for a {@code *Shared} benchmark one shared plugin
     * and N - 1 that declare it as their dependency.
     */
    Path ours;
    Path theirs;

    @Setup(Level.Trial)
    public void make(BenchmarkParams params) {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        boolean shared = params.getBenchmark().endsWith("Shared");
        ours = shared ? ScalePlugins.pluginhostShared(plugins) : ScalePlugins.pluginhost(plugins);
        theirs = shared ? ScalePlugins.pf4jShared(plugins) : ScalePlugins.pf4j(plugins);
    }

    @TearDown(Level.Trial)
    public void delete() {
        ScalePlugins.deleteDirectory(ours);
        ScalePlugins.deleteDirectory(theirs);
    }
}
