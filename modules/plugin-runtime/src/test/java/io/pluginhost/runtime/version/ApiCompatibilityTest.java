package io.pluginhost.runtime.version;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether a plugin compiled against one version of the plugin API runs on a host with another, by
 * semantic versioning: within one major version (one minor version while the major is 0), a host runs
 * plugins built against its version or an older one; a newer one may call what it does not have.
 */
class ApiCompatibilityTest {

    private static boolean runs(String compiledAgainst, String host) {
        return ApiCompatibility.problem(compiledAgainst, Version.parse(host).orElseThrow()).isEmpty();
    }

    @Test
    void aHostRunsPluginsBuiltAgainstItsApiOrAnOlderOneOfTheSameLine() {
        assertThat(runs("1.4.2", "1.4.2")).isTrue();
        assertThat(runs("1.2.0", "1.4.2")).isTrue();
        assertThat(runs("1.4.9", "1.4.2")).as("a patch adds nothing a plugin can call").isTrue();
        assertThat(runs("0.1.0-SNAPSHOT", "0.1.0-SNAPSHOT")).isTrue();
        assertThat(runs("0.1.0-SNAPSHOT", "0.1.3")).isTrue();
        assertThat(runs("0.1.3", "0.1.0-SNAPSHOT")).isTrue();
    }

    @Test
    void aNewerMinorOrAnotherMajorIsRefusedSayingWhatToBuildAgainst() {
        assertThat(ApiCompatibility.problem("1.5.0", Version.parse("1.4.2").orElseThrow())).hasValue(
                "it was built against plugin API 1.5.0, newer than this host's 1.4.2, and may call what this host"
                        + " does not have: build it against io.pluginhost:plugin-api 1.4.2, or run it on a host with"
                        + " API 1.5.0 or later");
        assertThat(ApiCompatibility.problem("1.9.0", Version.parse("2.0.0").orElseThrow())).hasValue(
                "it was built against plugin API 1.9.0, and this host's 2.0.0 is a version that breaks"
                        + " compatibility with it: build it again against io.pluginhost:plugin-api 2.0.0");
        assertThat(runs("0.2.0", "0.1.5")).isFalse();
        assertThat(runs("0.1.5", "0.2.0")).as("while the major is 0, a minor breaks compatibility").isFalse();
        assertThat(runs("3.0.0", "2.7.0")).isFalse();
    }

    @Test
    void aVersionThatIsNotSemanticIsNotChecked() {
        assertThat(runs("trunk", "1.0.0")).isTrue();
        assertThat(runs("", "1.0.0")).isTrue();
    }
}
