/** The shared-dependency benchmarks' template; {@code zq0000} in its names is replaced in each copy. */
module scaledep.zq0000 {
    requires io.pluginhost.api;

    provides io.pluginhost.api.Plugin with bench.scaledep.ScaleDependentPlugin;
}
