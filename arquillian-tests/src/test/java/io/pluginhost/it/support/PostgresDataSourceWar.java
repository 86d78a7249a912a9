package io.pluginhost.it.support;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/**
 * A deployment that defines a data source on the suite's PostgreSQL ({@code it.pg.url}), as the superuser,
 * and carries the driver: what a second data source of the server is in the tests. By default its
 * connections join no JTA transaction.
 */
public final class PostgresDataSourceWar {

    private PostgresDataSourceWar() {
    }

    /**
     * @param file     the war's file name
     * @param jndiName the data source's name, e.g. {@code java:global/jdbc/PluginsPG}
     * @return the war
     */
    public static WebArchive of(String file, String jndiName) throws Exception {
        return of(file, jndiName, false);
    }

    /**
     * @param transactional whether its connections join the caller's JTA transaction, as those of a data
     *                      source of the datasources subsystem do by default ({@code jta="true"})
     */
    public static WebArchive of(String file, String jndiName, boolean transactional) throws Exception {
        File driver = new File(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String url = System.getProperty("it.pg.url").replace("&", "&amp;");
        return ShrinkWrap.create(WebArchive.class, file)
                .addAsLibrary(driver)
                .setWebXML(new StringAsset("""
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <data-source>
                            <name>%s</name>
                            <class-name>org.postgresql.ds.PGSimpleDataSource</class-name>
                            <url>%s</url>
                            <user>postgres</user>
                            <transactional>%s</transactional>
                          </data-source>
                        </web-app>
                        """.formatted(jndiName, url, transactional)));
    }
}
