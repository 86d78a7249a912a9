package io.pluginhost.host;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Looks at the pool behind a data source plugins log in to as their own roles (PostgreSQL), in the management
 * model's JMX facade. Each plugin asks for its connections with {@code getConnection(user, password)}; a
 * data source without {@code allow-multiple-users} keeps one pool for every user, and destroys a pooled
 * connection of another user than the request's ({@code IJ000612}) to open a new one, on most statements of a
 * busy server. Data sources a deployment defines ({@code web.xml}, {@code @DataSourceDefinition}) are not in
 * the model, and cannot have the setting: they are not checked.
 */
final class DataSourcePools {

    private static final String[] KINDS = {"data-source", "xa-data-source"};

    private DataSourcePools() {
    }

    /**
     * @param jndiName the data source's JNDI name
     * @param server   the MBean server with WildFly's management model (the platform's)
     * @return a warning with the command that mends it, if the data source is in the model and keeps one pool
     *         for every user; empty otherwise, or if the model is not there to read
     */
    static Optional<String> warning(String jndiName, MBeanServer server) {
        for (String kind : KINDS) {
            for (ObjectName dataSource : dataSources(server, kind)) {
                if (!jndiName.equals(attribute(server, dataSource, "jndiName"))
                        || Boolean.TRUE.equals(attribute(server, dataSource, "allowMultipleUsers"))) {
                    continue;
                }
                String address = "/subsystem=datasources/" + kind + "=" + dataSource.getKeyProperty(kind);
                return Optional.of("plugins log in to data source " + jndiName + " (" + address + ") as their own"
                        + " database roles, and it keeps one pool for every user: WildFly destroys a pooled connection"
                        + " of another user than the request's and opens a new one (IJ000612). Let it keep a pool per"
                        + " user: " + address + ":write-attribute(name=allow-multiple-users, value=true), then"
                        + " reload");
            }
        }
        return Optional.empty();
    }

    private static Set<ObjectName> dataSources(MBeanServer server, String kind) {
        try {
            return new TreeSet<>(server.queryNames(new ObjectName("jboss.as:subsystem=datasources," + kind + "=*"),
                    null));
        } catch (JMException | RuntimeException unreadable) { // a management model we may not read: not checked
            return Set.of();
        }
    }

    private static Object attribute(MBeanServer server, ObjectName resource, String name) {
        try {
            return server.getAttribute(resource, name);
        } catch (JMException | RuntimeException unreadable) {
            return null;
        }
    }
}
