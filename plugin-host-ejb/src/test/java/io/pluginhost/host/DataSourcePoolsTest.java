package io.pluginhost.host;

import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL data source whose pool serves every user from one pool: each plugin's role and the host's user
 * take turns, and WildFly destroys a connection at each turn ({@code IJ000612}), which the operator saw only
 * as a warning per connection with no word of the cause.
 */
class DataSourcePoolsTest {

    private static void dataSource(MBeanServer server, String kind, String name, String jndiName, Object multiple)
            throws Exception {
        server.registerMBean(ModelResource.with(multiple == null ? Map.of("jndiName", jndiName)
                        : Map.of("jndiName", jndiName, "allowMultipleUsers", multiple)),
                new ObjectName("jboss.as:subsystem=datasources," + kind + "=" + name));
    }

    @Test
    void aDataSourceWithOnePoolForEveryUserIsNamedWithTheCommandThatGivesAPoolPerUser() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        dataSource(server, "data-source", "ExampleDS", "java:jboss/datasources/ExampleDS", false);
        dataSource(server, "data-source", "PluginsDS", "java:jboss/datasources/Plugins", false);
        dataSource(server, "xa-data-source", "PluginsXA", "java:jboss/datasources/PluginsXA", null); // the default

        assertThat(DataSourcePools.warning("java:jboss/datasources/Plugins", server)).get().asString()
                .contains("data source java:jboss/datasources/Plugins", "their own database roles", "IJ000612",
                        "/subsystem=datasources/data-source=PluginsDS:write-attribute(name=allow-multiple-users,"
                                + " value=true)");
        assertThat(DataSourcePools.warning("java:jboss/datasources/PluginsXA", server)).get().asString()
                .contains("/subsystem=datasources/xa-data-source=PluginsXA:write-attribute");
    }

    @Test
    void aDataSourceWithAPoolPerUserOrOneTheModelDoesNotHaveSaysNothing() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        assertThat(DataSourcePools.warning("java:jboss/datasources/Plugins", server)).as("no WildFly model in JMX")
                .isEmpty();

        dataSource(server, "data-source", "PluginsDS", "java:jboss/datasources/Plugins", true);
        assertThat(DataSourcePools.warning("java:jboss/datasources/Plugins", server)).isEmpty();
        assertThat(DataSourcePools.warning("java:global/jdbc/DefinedByADeployment", server)).isEmpty();
    }
}
