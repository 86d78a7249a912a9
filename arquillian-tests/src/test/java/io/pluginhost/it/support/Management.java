package io.pluginhost.it.support;

import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Management operations on the server Arquillian started, as the integration tests run them. */
public final class Management {

    private Management() {
    }

    /**
     * Runs an operation that must succeed.
     *
     * @return its result
     */
    public static ModelNode execute(ManagementClient management, ModelNode operation) throws IOException {
        ModelNode outcome = management.getControllerClient().execute(operation);
        assertThat(outcome.get("outcome").asString()).as("%s: %s", operation, outcome).isEqualTo("success");
        return outcome.get("result");
    }
}
