package io.pluginhost.it;

import io.pluginhost.it.support.Management;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.arquillian.setup.SnapshotServerSetupTask;
import org.jboss.dmr.ModelNode;

/**
 * {@link SuspendIT}'s tests under the {@code rbac} access-control provider, as many production servers
 * run. There the management model hides its root resource from a thread without a management role, as
 * the host's thread that follows the suspend is ({@code WFLYJMX0017}, seen in the dev server: streams
 * then held a suspend, and tasks ran through it); the host then asks the managed executor. The server is
 * reloaded into {@code rbac} before and back to its configuration after.
 */
@ServerSetup(SuspendUnderRbacIT.RoleBasedAccessControl.class)
class SuspendUnderRbacIT extends SuspendIT {

    /** Turns {@code rbac} on; the snapshot taken first is what the server is reloaded back to. */
    static class RoleBasedAccessControl extends SnapshotServerSetupTask {

        @Override
        protected void doSetup(ManagementClient client, String containerId) throws Exception {
            ModelNode rbac = new ModelNode();
            rbac.get("operation").set("write-attribute");
            rbac.get("address").add("core-service", "management").add("access", "authorization");
            rbac.get("name").set("provider");
            rbac.get("value").set("rbac");
            Management.execute(client, rbac); // the reload it needs follows
        }

        /** @return seconds a reload may take: the host loads the plugins again */
        @Override
        protected long timeout() {
            return 120;
        }
    }
}
