package io.pluginhost.observability;

import io.pluginhost.runtime.EngineLimits;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.PluginManager;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pluginhost-plugins} on a real engine: what the plugins' own checks say reaches the readiness report. */
class PluginsReadinessTest {

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE,
            EngineLimits.defaults());
    private final Map<String, String> settings = new HashMap<>();
    private final PluginsReadiness readiness = new PluginsReadiness();

    @BeforeAll
    static void responses() {
        HealthCheckResponse.setResponseProvider(Responses::new);
    }

    @BeforeEach
    void attach() {
        readiness.health = new HostHealth();
        readiness.health.attach(new Host());
        engine.load(PluginJarBuilder.plugin("steady").build(dir));
        engine.load(PluginJarBuilder.plugin("moody").body("""
                public PluginHealth health() { return PluginHealth.down("the rates service does not answer"); }
                """).build(dir));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    /** @return the check's answer, with the settings read by SmallRye Config, as in WildFly */
    private HealthCheckResponse ask() {
        readiness.config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(settings, "microprofile-config.properties", 100)).build();
        return readiness.call();
    }

    @Test
    void aPluginThatSaysItIsDownTakesTheCheckDownWithItsReason() {
        HealthCheckResponse response = ask();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsAllEntriesOf(Map.of("steady", "LOADED 1.0.0",
                "moody", "LOADED 1.0.0, DOWN: the rates service does not answer"));
    }

    @Test
    void anOperatorMayKeepTheNodeReadyWhileAPluginIsDown() {
        settings.put("pluginhost.health.failed-plugin-is-down", "false");

        HealthCheckResponse response = ask();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsAllEntriesOf(Map.of("moody",
                "LOADED 1.0.0, DOWN: the rates service does not answer"));
    }

    @Test
    void aTimeoutThatIsNotPositiveIsSaidInTheCheck() {
        settings.put("pluginhost.health.plugin-check-timeout", "PT0S");

        HealthCheckResponse response = ask();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsAllEntriesOf(Map.of("configuration",
                "pluginhost.health.plugin-check-timeout must be positive, not PT0S"));
    }

    /** MicroProfile Health's responses as the check builds them; in WildFly, SmallRye Health's (HealthIT). */
    private static final class Responses extends HealthCheckResponseBuilder {
        private final Map<String, Object> data = new LinkedHashMap<>();
        private String name;
        private boolean up;

        @Override
        public HealthCheckResponseBuilder name(String named) {
            name = named;
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, String value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, long value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder withData(String key, boolean value) {
            data.put(key, value);
            return this;
        }

        @Override
        public HealthCheckResponseBuilder up() {
            return status(true);
        }

        @Override
        public HealthCheckResponseBuilder down() {
            return status(false);
        }

        @Override
        public HealthCheckResponseBuilder status(boolean isUp) {
            up = isUp;
            return this;
        }

        @Override
        public HealthCheckResponse build() {
            return new HealthCheckResponse(name, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                    Optional.of(Map.copyOf(data)));
        }
    }

    /** The host as the readiness checks see it: this test's engine, and nothing else failing. */
    private final class Host implements HealthSource {
        @Override
        public PluginManager plugins() {
            return engine;
        }

        @Override
        public String nodeId() {
            return "test";
        }

        @Override
        public Map<String, String> serviceProblems() {
            return Map.of();
        }

        @Override
        public Map<String, String> firstLoadFailures() {
            return Map.of();
        }

        @Override
        public String withoutServerPaths(String message) {
            return message;
        }
    }
}
