package io.pluginhost.admin;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The admin API under {@code /<context>/api}. */
@ApplicationPath("/api")
public class AdminApplication extends Application {
}
