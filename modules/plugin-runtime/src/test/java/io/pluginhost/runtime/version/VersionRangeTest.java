package io.pluginhost.runtime.version;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionRangeTest {

    @ParameterizedTest(name = "{0} accepts {1}: {2}")
    @CsvSource(delimiter = ';', value = {
            "'';9.9.9;true",
            "*;0.0.1;true",
            "1.2.3;1.2.3;true",
            "1.2.3;1.2.4;false",
            "=1.2.3;1.2.3+build.7;true",
            "1.2;1.2.9;true",
            "1.2;1.3.0;false",
            "1.x;1.99.0;true",
            "1.x;2.0.0;false",
            "1.2.*;1.2.5;true",
            ">=1.0 <2.0;1.5.0;true",
            ">=1.0 <2.0;2.0.0;false",
            ">=1.0 <2.0;0.9.9;false",
            ">= 1.0 & < 2.0;1.0.0;true",
            ">1.2;1.2.9;false",
            ">1.2;1.3.0;true",
            "<=1.2;1.2.9;true",
            "<=1.2;1.3.0;false",
            "<1.2;1.1.9;true",
            "<1.2;1.2.0;false",
            "^1.2.3;1.9.0;true",
            "^1.2.3;1.2.2;false",
            "^1.2.3;2.0.0;false",
            "^1.2.3;2.0.0-rc.1;false",
            "^0.2.3;0.2.9;true",
            "^0.2.3;0.3.0;false",
            "^0.0.3;0.0.4;false",
            "^1;1.9.9;true",
            "~1.2.3;1.2.9;true",
            "~1.2.3;1.3.0;false",
            "~1;1.9.0;true",
            "1.2 - 2.3;2.3.7;true",
            "1.2 - 2.3;2.4.0;false",
            "1.2.0 - 2.3.0;2.3.1;false",
            "^1.0 || ^3.0;3.1.0;true",
            "^1.0 || ^3.0;2.1.0;false",
            "[1.0,2.0);1.0.0;true",
            "[1.0,2.0);2.0.0;false",
            "(1.0,2.0];1.0.0;false",
            "(1.0,2.0];2.0.0;true",
            "[1.0,);7.0.0;true",
            "(,2.0];0.1.0;true",
            "[1.5];1.5.0;true",
            "[1.5];1.5.1;false",
            "'[1.0,1.5),[2.0,3.0)';2.5.0;true",
            "'[1.0,1.5),[2.0,3.0)';1.7.0;false",
            ">=1.0.0-alpha;1.0.0-beta;true",
            "<1.0.0;1.0.0-rc.1;true",
    })
    void rangesAcceptTheVersionsTheirSyntaxSays(String range, String version, boolean accepted) {
        assertThat(VersionRange.parse(range).contains(Version.parse(version).orElseThrow())).isEqualTo(accepted);
    }

    @ParameterizedTest
    @ValueSource(strings = {">=", "1.2.3.4", "abc", "^", "[1.0,2.0", "[2.0,1.0]", "(1.5)", "1.0 ||", ">=1.0 - 2.0 - 3.0",
            "1.2-rc.1", "[1.0,2.0] x"})
    void malformedRangesAreRefusedWithTheRangeInTheMessage(String range) {
        assertThatThrownBy(() -> VersionRange.parse(range))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + range.strip() + "' is not a version range");
    }

    @Test
    void versionsOrderBySemverPrecedence() {
        String[] ordered = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1", "v2"};
        for (int i = 1; i < ordered.length; i++) {
            Version lower = Version.parse(ordered[i - 1]).orElseThrow();
            Version higher = Version.parse(ordered[i]).orElseThrow();
            assertThat(lower).as(ordered[i - 1] + " < " + ordered[i]).isLessThan(higher);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.", "1.2.3.4", "one", "1.2.3-", "1.2.3-a..b", "-1.0"})
    void textThatIsNoVersionDoesNotParse(String text) {
        assertThat(Version.parse(text)).isEmpty();
    }
}
