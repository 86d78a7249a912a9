package io.pluginhost.resource.database;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseSettingsTest {

    @Test
    void aConfiguredRoleSecretIsNeverPrinted() {
        DatabaseSettings defaults = DatabaseSettings.defaults();
        DatabaseSettings configured = new DatabaseSettings(defaults.parseTimeout(), defaults.statementTimeout(),
                defaults.maxRows(), defaults.maxResultBytes(), true, "s3cret-of-the-cluster",
                defaults.idleInTransaction(), defaults.tempFileLimitKb());

        assertThat(configured.toString()).doesNotContain("s3cret").contains("roleSecret=(configured)");
        assertThat(defaults.toString()).contains("roleSecret=(kept in the database)");
    }

    @Test
    void anEmptyRoleSecretIsRefused() {
        DatabaseSettings defaults = DatabaseSettings.defaults();
        assertThatThrownBy(() -> new DatabaseSettings(defaults.parseTimeout(), defaults.statementTimeout(),
                defaults.maxRows(), defaults.maxResultBytes(), true, "", defaults.idleInTransaction(),
                defaults.tempFileLimitKb())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("role secret that is not empty");
    }
}
