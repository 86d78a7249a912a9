package io.pluginhost.it.support;

import io.pluginhost.runtime.testing.PluginJarBuilder;

import java.nio.file.Path;

/**
 * A plugin whose scheduled task knocks: each run connects to the test's port and waits for a byte (60 s at
 * most), so the test sees each run start and says when it ends. {@code execute("<port>")} schedules it;
 * {@code execute("stop")} cancels it.
 */
public final class KnockingPlugin {

    private KnockingPlugin() {
    }

    /**
     * @param name     the plugin's name
     * @param schedule how its task is scheduled: a call on {@code context.scheduler()} whose last argument,
     *                 the task, follows, e.g. {@code scheduleAtFixedRate(java.time.Duration.ZERO,
     *                 java.time.Duration.ofMillis(10), }
     * @param dir      where the jar is written
     * @return the jar
     */
    public static Path jar(String name, String schedule, Path dir) {
        return PluginJarBuilder.plugin(name).body("""
                private PluginContext context;
                private PluginScheduler.ScheduledTask task;
                public void initialize(PluginContext context) {
                    this.context = context;
                }
                public Object execute(Object in) {
                    if (in.equals("stop")) {
                        task.cancel();
                        return "stopped";
                    }
                    int port = Integer.parseInt((String) in);
                    task = context.scheduler().%s() -> {
                        try (java.net.Socket test = new java.net.Socket("127.0.0.1", port)) {
                            test.setSoTimeout(60_000); // a test that failed lets go of the run
                            test.getInputStream().read();
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    return "started";
                }""".formatted(schedule)).build(dir);
    }
}
