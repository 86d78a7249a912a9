package io.pluginhost.runtime.layer;

import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.ResponseCache;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;

/**
 * The JDK's process-wide defaults as the host had them before any plugin could change them, read when
 * the first engine starts ({@link PluginLayer#rememberJdkDefaults}), so that {@link GlobalRegistrySweep}
 * can put back one a plugin replaced and left. A class of its own, apart from the sweep: reading the
 * five defaults costs about 2 ms in a JVM that has not used them yet (after a first load: 2.2 ms over
 * three runs), and the sweep's classes stay off a cold start's path until the first unload.
 */
final class HostDefaults {

    static final Authenticator AUTHENTICATOR = Authenticator.getDefault();
    static final ProxySelector PROXY_SELECTOR = ProxySelector.getDefault();
    static final CookieHandler COOKIE_HANDLER = CookieHandler.getDefault();
    static final ResponseCache RESPONSE_CACHE = ResponseCache.getDefault();
    static final HostnameVerifier HOSTNAME_VERIFIER = HttpsURLConnection.getDefaultHostnameVerifier();

    private HostDefaults() {
    }

    /** Reads the defaults, once: the first call initializes this class. */
    static void remember() {
        // nothing more to do: the static fields were read when this method's class was initialized
    }
}
