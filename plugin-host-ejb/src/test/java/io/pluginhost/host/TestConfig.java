package io.pluginhost.host;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.util.Map;

/** SmallRye Config, the implementation WildFly runs, over an environment and a properties file, as in a container. */
final class TestConfig {

    private TestConfig() {
    }

    /**
     * @param environment the process's environment variables (the environment source's ordinal, 300)
     * @param properties  {@code microprofile-config.properties} (ordinal 100)
     * @return the configuration
     */
    static SmallRyeConfig of(Map<String, String> environment, Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(environment, EnvConfigSource.ORDINAL))
                .withSources(new PropertiesConfigSource(properties, "microprofile-config.properties", 100))
                .build();
    }
}
