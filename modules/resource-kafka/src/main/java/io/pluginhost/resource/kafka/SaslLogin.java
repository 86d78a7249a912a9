package io.pluginhost.resource.kafka;

import java.util.Map;
import java.util.Set;

/**
 * A user name and password every Kafka client of the host logs in with, by SASL/PLAIN or SCRAM, as
 * Confluent Cloud, Amazon MSK (SASL/SCRAM) or a Strimzi cluster with SCRAM users ask. The host writes
 * the JAAS line from them itself, so an operator never quotes a password inside
 * {@code sasl.jaas.config}.
 *
 * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
 * @param username  the user
 * @param password  the password; any characters
 */
public record SaslLogin(String mechanism, String username, String password) {

    /** The mechanisms a user name and password are enough for, and the JAAS login module of each. */
    private static final Map<String, String> LOGIN_MODULES = Map.of(
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

    /** Checks the mechanism is one of the three, and that there is a user and a password. */
    public SaslLogin {
        if (mechanism == null || !LOGIN_MODULES.containsKey(mechanism)) {
            throw new IllegalArgumentException("Kafka SASL mechanism '" + mechanism + "' is not one of "
                    + Set.copyOf(LOGIN_MODULES.keySet()) + "; for another (OAUTHBEARER, GSSAPI) set sasl.mechanism and"
                    + " sasl.jaas.config as client settings");
        }
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("Kafka SASL " + mechanism + " needs a user name and a password");
        }
    }

    /** @return {@code sasl.mechanism} and {@code sasl.jaas.config} for this log-in */
    Map<String, String> clientProperties() {
        return Map.of("sasl.mechanism", mechanism,
                "sasl.jaas.config", LOGIN_MODULES.get(mechanism) + " required username=" + quoted(username)
                        + " password=" + quoted(password) + ";");
    }

    /** A JAAS option value in double quotes, which Kafka's parser (a {@code StreamTokenizer}) reads back exactly. */
    private static String quoted(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '\\' -> quoted.append('\\').append(c);
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "SaslLogin[" + mechanism + ", username=" + username + "]";
    }
}
