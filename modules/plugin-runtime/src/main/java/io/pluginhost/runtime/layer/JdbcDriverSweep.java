package io.pluginhost.runtime.layer;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Deregisters the JDBC drivers an unloaded plugin registered. {@code DriverManager} holds a registered
 * driver for the life of the JVM, and with it the plugin's loader, and it lets only code that sees a
 * driver's class deregister it: so this class is not called from the host, but defined again inside
 * the plugin's own loader ({@link PluginLayer#undoGlobalRegistrations}) and called there, as Tomcat's
 * {@code JdbcLeakPrevention} is inside a web application's. Uses nothing but the JDK.
 */
public final class JdbcDriverSweep implements Function<ClassLoader, List<String>> {

    /**
     * @param plugin the plugin's loader, which also defined this instance's class
     * @return the class names of the drivers deregistered
     */
    @Override
    public List<String> apply(ClassLoader plugin) {
        List<String> deregistered = new ArrayList<>();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == plugin) {
                try {
                    DriverManager.deregisterDriver(driver);
                    deregistered.add(driver.getClass().getName());
                } catch (SQLException | SecurityException e) {
                    // left registered: the leak report names the loader as not collected
                }
            }
        }
        return deregistered;
    }
}
