package io.pluginhost.runtime.resource;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.InvalidNameException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhysicalNameClaimsTest {

    private static EffectiveResources resources(String plugin, String table, String topic, String bucket) {
        return EffectiveResources.of(new PluginDescriptor(plugin, "1", "", List.of(), List.of(table), List.of(topic),
                List.of(bucket)), ResourceOverrides.NONE);
    }

    @Test
    void aPhysicalNameHeldByAnotherPluginIsRefusedAndNothingOfTheLoserIsRecorded() {
        PhysicalNameClaims claims = new PhysicalNameClaims();
        EffectiveResources crm = resources("crm", "users", "events", "data");
        claims.claim("crm", crm);

        // Not reachable through the naming rules; a stand-in for a rule a later change might break.
        EffectiveResources impostor = new EffectiveResources(resources("hr", "staff", "news", "files").tables(),
                crm.topics(), resources("hr", "staff", "news", "files").buckets());
        assertThatThrownBy(() -> claims.claim("hr", impostor))
                .isInstanceOf(InvalidNameException.class)
                .hasMessage("plugin 'hr': topic 'events' maps to 'crm_events', which plugin 'crm' holds");
        assertThat(claims.held(ResourceKind.TABLE)).containsExactly("crm_users");
        assertThat(claims.held(ResourceKind.BUCKET)).containsExactly("crm--data");
    }

    @Test
    void releasedNamesCanBeClaimedAgainAndReclaimingYourOwnIsFine() {
        PhysicalNameClaims claims = new PhysicalNameClaims();
        EffectiveResources crm = resources("crm", "users", "events", "data");
        claims.claim("crm", crm);
        claims.claim("crm", crm);
        claims.release("crm", crm);

        assertThat(claims.held(ResourceKind.TABLE)).isEmpty();
        claims.claim("crm", crm);
        assertThat(claims.held(ResourceKind.TOPIC)).containsExactly("crm_events");
    }
}
