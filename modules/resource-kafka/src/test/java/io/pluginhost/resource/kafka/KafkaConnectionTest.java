package io.pluginhost.resource.kafka;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.security.auth.login.AppConfigurationEntry;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the host's Kafka clients are set up: the operator's client settings and a SASL log-in. */
class KafkaConnectionTest {

    private static final KafkaConnection DEVELOPMENT = KafkaConnection.forDevelopment("127.0.0.1:9092");

    private static KafkaConnection withClientSettings(Map<String, String> settings) {
        return new KafkaConnection("127.0.0.1:9092", settings, true, 1, (short) 1, DEVELOPMENT.sendTimeout(),
                DEVELOPMENT.requestTimeout(), DEVELOPMENT.adminTimeout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"group.id", "group.instance.id", "client.id", "transactional.id", "enable.auto.commit",
            "auto.offset.reset", "acks", "bootstrap.servers", "value.deserializer", "request.timeout.ms",
            "delivery.timeout.ms"})
    void aClientSettingTheHostSetsItselfIsRefusedByName(String key) {
        // group.instance.id would make every plugin's consumers one static member that fences the others;
        // the others would be overwritten per client, silently.
        assertThatThrownBy(() -> withClientSettings(Map.of(key, "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + key + "'");
    }

    @Test
    void otherClientSettingsReachEveryClientAndTheirValuesAreNeverPrinted() {
        KafkaConnection connection = withClientSettings(Map.of("security.protocol", "SSL",
                "ssl.truststore.location", "/etc/kafka/truststore.p12", "ssl.truststore.password", "s3cret"));

        Map<String, Object> clients = new KafkaRepositoryProvider(connection, Thread::new).clientProperties();

        assertThat(clients).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.password", "s3cret")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
        assertThat(connection.toString()).contains("ssl.truststore.password").doesNotContain("s3cret");
    }

    @Test
    void aSaslPasswordOfAnyCharactersIsReadBackByKafkasOwnJaasParser() {
        String password = "p\"a;s s\\w\\\"ord } required x=\"y\";\n//*";
        KafkaConnection connection = DEVELOPMENT.withSasl(new SaslLogin("SCRAM-SHA-512", "svc \"user\"", password));

        assertThat(connection.clientProperties()).containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("security.protocol", "SASL_SSL");
        List<AppConfigurationEntry> entries = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password(connection.clientProperties().get("sasl.jaas.config")))).configurationEntries();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getLoginModuleName())
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        assertThat(Map.copyOf(entries.get(0).getOptions())).isEqualTo(
                Map.of("username", "svc \"user\"", "password", password));
        assertThat(connection.toString()).doesNotContain("p\"a;s");
        assertThat(new SaslLogin("PLAIN", "u", password).toString()).doesNotContain("p\"a;s");
    }

    @Test
    void aSaslLogInKeepsAProtocolWithSaslAndRefusesOneWithout() {
        assertThat(withClientSettings(Map.of("security.protocol", "SASL_PLAINTEXT"))
                .withSasl(new SaslLogin("PLAIN", "u", "p")).clientProperties())
                .containsEntry("security.protocol", "SASL_PLAINTEXT");
        assertThatThrownBy(() -> withClientSettings(Map.of("security.protocol", "SSL"))
                .withSasl(new SaslLogin("PLAIN", "u", "p")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SSL, which has no SASL");
        assertThatThrownBy(() -> withClientSettings(Map.of("sasl.jaas.config", "x required;"))
                .withSasl(new SaslLogin("PLAIN", "u", "p")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one or the other");
    }

    @Test
    void aSaslLogInNeedsAKnownMechanismAUserAndAPassword() {
        assertThatThrownBy(() -> new SaslLogin("GSSAPI", "u", "p")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'GSSAPI' is not one of");
        assertThatThrownBy(() -> new SaslLogin("PLAIN", "u", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a user name and a password");
        assertThatThrownBy(() -> new SaslLogin("PLAIN", null, "p")).isInstanceOf(IllegalArgumentException.class);
    }
}
