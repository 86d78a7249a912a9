package io.pluginhost.admin;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SensitiveSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"password", "db.password", "smtp-passwd", "API_KEY", "apiKey", "access-key",
            "client.secret", "clientSecret", "token", "github.Token", "aws-credentials", "CredentialFile",
            "passphrase", "ssl.key.passphrase", "private_key_pem", "key.pem", "smtp.secret.value", "secretValue",
            "pwd", "db.pwd", "sasl.jaas.config", "session-cookie", "basic-auth", "authorization-header"})
    void aKeyThatNamesASecretIsSensitive(String key) {
        assertThat(SensitiveSettings.sensitive(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"greeting", "max-orders", "keys-per-page", "token-lifetime", "timeout", "retries",
            "author", "secretary", "compem", "pwdlength-policy"})
    void otherKeysAreNot(String key) {
        assertThat(SensitiveSettings.sensitive(key)).isFalse();
    }

    @Test
    void maskingKeepsEveryKeyInOrderAndHidesOnlySecrets() {
        assertThat(SensitiveSettings.masked(Map.of("greeting", "Hi", "api-key", "abc123", "retries", "3")))
                .containsExactly(Map.entry("api-key", SensitiveSettings.MASK), Map.entry("greeting", "Hi"),
                        Map.entry("retries", "3"));
    }

    @Test
    void aPasswordInAUrlIsMaskedWhateverTheKey() {
        assertThat(SensitiveSettings.masked(Map.of(
                "db-url", "postgres://app:hunter2@db:5432/notes",
                "mirrors", "https://a:b@one.example, https://c:d%40e@two.example/x",
                "home", "https://user@example.com/a@b",
                "note", "see https://example.com/x:y@z")))
                .containsExactly(
                        Map.entry("db-url", "postgres://app:******@db:5432/notes"),
                        Map.entry("home", "https://user@example.com/a@b"),
                        Map.entry("mirrors", "https://a:******@one.example, https://c:******@two.example/x"),
                        Map.entry("note", "see https://example.com/x:y@z"));
    }
}
