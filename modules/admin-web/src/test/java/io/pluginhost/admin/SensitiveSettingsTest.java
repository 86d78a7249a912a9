package io.pluginhost.admin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SensitiveSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"password", "db.password", "smtp-passwd", "API_KEY", "apiKey", "access-key",
            "client.secret", "clientSecret", "token", "github.Token", "aws-credentials", "CredentialFile"})
    void aKeyThatNamesASecretIsSensitive(String key) {
        assertThat(SensitiveSettings.sensitive(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"greeting", "max-orders", "keys-per-page", "token-lifetime", "timeout", "retries"})
    void otherKeysAreNot(String key) {
        assertThat(SensitiveSettings.sensitive(key)).isFalse();
    }

    @Test
    void maskingKeepsEveryKeyInOrderAndHidesOnlySecrets() {
        assertThat(SensitiveSettings.masked(Map.of("greeting", "Hi", "api-key", "abc123", "retries", "3")))
                .containsExactly(Map.entry("api-key", SensitiveSettings.MASK), Map.entry("greeting", "Hi"),
                        Map.entry("retries", "3"));
    }
}
