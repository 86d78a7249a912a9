package io.pluginhost.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which requests the admin API takes as changes: a browser's request sent from another site carries the
 * operator's cached BASIC credentials, and a form there can POST without asking (no CORS preflight).
 */
class CrossOriginRequestsTest {

    private static Optional<String> refusal(String method, String fetchSite, String origin) {
        return CrossOriginRequests.refusal(method, fetchSite, origin, "ops.example.com:8443", Set.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS"})
    void aReadIsNeverRefused(String method) {
        assertThat(refusal(method, "cross-site", "https://evil.example")).isEmpty();
    }

    @Test
    void aChangeFromAnotherSiteIsRefusedAndSaysHowToAllowIt() {
        assertThat(refusal("POST", "cross-site", "https://evil.example")).hasValueSatisfying(why -> assertThat(why)
                .contains("https://evil.example", "pluginhost.admin.trusted-origins"));
        assertThat(refusal("POST", "same-site", "https://other.example.com")).isPresent();
        assertThat(refusal("PUT", "cross-site", null)).isPresent();
        // A browser that sends no Sec-Fetch-Site still sends the origin of a form's or a script's page.
        assertThat(refusal("POST", null, "https://evil.example")).isPresent();
        assertThat(refusal("POST", null, "https://ops.example.com:9999")).isPresent();
        assertThat(refusal("DELETE", null, "null")).isPresent(); // a sandboxed frame or a data: page
        assertThat(refusal("POST", null, "not a url")).isPresent();
    }

    @Test
    void aChangeFromTheConsoleOrFromAClientThatIsNotABrowserIsTaken() {
        assertThat(refusal("POST", "same-origin", "https://ops.example.com:8443")).isEmpty();
        assertThat(refusal("POST", "none", null)).isEmpty(); // typed or bookmarked by the operator
        assertThat(refusal("POST", null, "https://OPS.example.com:8443")).isEmpty();
        assertThat(refusal("DELETE", null, null)).isEmpty(); // curl, scripts, the JDK's client
    }

    @Test
    void anOriginTheOperatorTrustsMayChangeFromAnotherSite() {
        Set<String> trusted = Set.of("https://console.example.com");

        assertThat(CrossOriginRequests.refusal("POST", "cross-site", "https://console.example.com",
                "ops.example.com:8443", trusted)).isEmpty();
        assertThat(CrossOriginRequests.refusal("POST", "cross-site", "https://evil.example",
                "ops.example.com:8443", trusted)).isPresent();
    }
}
