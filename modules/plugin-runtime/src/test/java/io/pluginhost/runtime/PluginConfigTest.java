package io.pluginhost.runtime;

import io.pluginhost.api.PluginConfig;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A plugin's own settings: {@code context.config()}, stored per plugin, a change reloads it. */
class PluginConfigTest {

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @AfterEach
    void stop() {
        manager.close();
    }

    /** Answers its settings as read in initialize, through the typed getters. */
    private Path configured(String name) {
        return PluginJarBuilder.plugin(name).body("""
                private String summary;
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                    PluginConfig c = context.config();
                    summary = c.get("greeting", "hello") + "/" + c.getInt("retries", 3) + "/"
                            + c.getBoolean("loud", false) + "/" + c.getDuration("timeout", java.time.Duration.ofSeconds(1))
                            + "/" + c.keys();
                }
                public Object execute(Object in) {
                    return in == null ? summary : String.valueOf(context.config().getLong((String) in, 0));
                }
                """).build(dir);
    }

    @Test
    void aPluginWithoutSettingsGetsTheDefaults() {
        manager.load(configured("tuned"));

        assertThat(manager.execute("tuned", null)).isEqualTo("hello/3/false/PT1S/[]");
        assertThat(manager.getConfig("tuned")).isEmpty();
    }

    @Test
    void settingsStoredBeforeTheLoadAreWhatInitializeReads() {
        manager.setConfig("tuned", Map.of("greeting", "bonjour", "retries", "5", "loud", "TRUE", "timeout", "500ms"));

        manager.load(configured("tuned"));

        assertThat(manager.execute("tuned", null)).isEqualTo("bonjour/5/true/PT0.5S/[greeting, loud, retries, timeout]");
    }

    @Test
    void changingTheSettingsOfALoadedPluginReloadsItAndItsDependents() {
        manager.load(configured("tuned"));
        manager.load(PluginJarBuilder.plugin("leaning").dependsOn("tuned").build(dir));

        assertThat(manager.setConfig("tuned", Map.of("greeting", "hi", "timeout", "PT2M")))
                .extracting(PluginInfo::name).containsExactly("tuned", "leaning");
        assertThat(manager.execute("tuned", null)).isEqualTo("hi/3/false/PT2M/[greeting, timeout]");
        assertThat(manager.getConfig("tuned")).contains(Map.of("greeting", "hi", "timeout", "PT2M"));

        assertThat(manager.clearConfig("tuned")).extracting(PluginInfo::name).containsExactly("tuned", "leaning");
        assertThat(manager.execute("tuned", null)).isEqualTo("hello/3/false/PT1S/[]");
    }

    @Test
    void aValueThatIsNotOfTheTypeAskedForFailsNamingKeyValueAndType() {
        manager.setConfig("tuned", Map.of("size", "large"));
        manager.load(configured("tuned"));

        assertThatThrownBy(() -> manager.execute("tuned", "size"))
                .isInstanceOf(PluginExecutionException.class)
                .hasMessageContaining("setting 'size' is 'large', which is not a long");
    }

    @Test
    void aSecretThatIsNotOfTheTypeAskedForFailsWithoutShowingItsValue() {
        // A viewer reads GET /config with secrets masked; a failed plugin's message, which viewers also read, and
        // the server log must not give the value away either.
        manager.setConfig("tuned", Map.of("db-password", "hunter2", "apiToken", "s3cr3t-t0ken",
                "ssl.key.passphrase", "hunter2", "private_key_pem", "hunter2"));
        manager.load(configured("tuned"));

        for (String key : new String[] {"db-password", "apiToken", "ssl.key.passphrase", "private_key_pem"}) {
            assertThatThrownBy(() -> manager.execute("tuned", key))
                    .isInstanceOf(PluginExecutionException.class)
                    .hasMessageContaining("setting '" + key + "' (a secret: its value is not shown) is not a long")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2", "s3cr3t"));
        }
        assertThat(PluginConfig.isSecret("db-password")).isTrue();
        assertThat(PluginConfig.isSecret("size")).isFalse();
    }

    @Test
    void aPasswordInAUrlIsNotShownWhenTheUrlIsNotOfTheTypeAskedFor() {
        manager.setConfig("tuned", Map.of("size", "postgres://app:hunter2@db:5432/notes"));
        manager.load(configured("tuned"));

        assertThatThrownBy(() -> manager.execute("tuned", "size"))
                .isInstanceOf(PluginExecutionException.class)
                .hasMessageContaining("setting 'size' is 'postgres://app:******@db:5432/notes', which is not a long")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void aLongValueIsCutInTheMessage() {
        String huge = "x".repeat(100_000);
        manager.setConfig("tuned", Map.of("size", huge));
        manager.load(configured("tuned"));

        assertThatThrownBy(() -> manager.execute("tuned", "size"))
                .hasMessageContaining("setting 'size' is '" + "x".repeat(100) + "...' (100000 characters),"
                        + " which is not a long")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void anInvalidKeyIsRefusedAndNothingChanges() {
        manager.load(configured("tuned"));

        assertThatThrownBy(() -> manager.setConfig("tuned", Map.of("two words", "x")))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("setting name 'two words' is invalid");
        assertThat(manager.getConfig("tuned")).isEmpty();
        assertThat(manager.execute("tuned", null)).isEqualTo("hello/3/false/PT1S/[]");
    }
}
