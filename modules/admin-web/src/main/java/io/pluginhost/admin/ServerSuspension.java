package io.pluginhost.admin;

import org.jboss.as.server.CurrentServiceContainer;
import org.jboss.as.server.suspend.ServerResumeContext;
import org.jboss.as.server.suspend.ServerSuspendContext;
import org.jboss.as.server.suspend.SuspendableActivity;
import org.jboss.as.server.suspend.SuspendableActivityRegistry;
import org.jboss.msc.Service;
import org.jboss.msc.service.ServiceBuilder;
import org.jboss.msc.service.ServiceContainer;
import org.jboss.msc.service.ServiceController;
import org.jboss.msc.service.ServiceName;
import org.jboss.msc.service.StartContext;
import org.jboss.msc.service.StopContext;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Hears WildFly's suspend and resume ({@code :suspend}, {@code :resume}, and the suspend that begins a
 * graceful {@code :shutdown}) and passes them on. A suspend waits until the requests in progress have
 * ended; what holds a request open on purpose (an event stream) must end it when it hears this.
 *
 * <p>WildFly has no public API for this: the server's suspend controller is reached through its service
 * container, which the war's manifest makes visible ({@code org.jboss.as.server}). Registered first
 * among the server's activities, so the streams are closed before the server starts waiting for its
 * requests, and resumed last. Where the controller cannot be found, the host runs on and says what a
 * suspend will wait for.
 */
final class ServerSuspension implements SuspendableActivity, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServerSuspension.class.getName());

    private final Runnable onSuspend;
    private final Runnable onResume;
    /** The service that holds the registration; removing it unregisters. */
    private ServiceController<?> registration;

    private ServerSuspension(Runnable onSuspend, Runnable onResume) {
        this.onSuspend = onSuspend;
        this.onResume = onResume;
    }

    /**
     * Registers with the server until {@link #close()}.
     *
     * @param onSuspend run when the server suspends, on the thread that suspends it; must not block
     * @param onResume  run when it resumes
     * @param holdsWhat what a suspend would wait for if nothing were registered, for the warning
     * @return the registration, or {@code null} if the server's suspend controller was not found
     */
    static ServerSuspension register(Runnable onSuspend, Runnable onResume, String holdsWhat) {
        ServerSuspension suspension = new ServerSuspension(onSuspend, onResume);
        String notFound;
        try {
            notFound = suspension.install();
        } catch (LinkageError | RuntimeException notThisServer) { // another server, or another WildFly
            notFound = notThisServer.toString();
        }
        if (notFound != null) {
            LOG.warning("the server's suspend controller was not found (" + notFound + "), so a suspend or a"
                    + " graceful shutdown waits for " + holdsWhat + " until its timeout");
            return null;
        }
        return suspension;
    }

    /**
     * The controller's service hands its value only to services that require it (asking its controller
     * for the value throws), so a service of ours, without a name, requires it, registers this when it
     * starts and unregisters it when it stops.
     *
     * @return why nothing was registered, or null
     */
    private String install() {
        ServiceContainer container = CurrentServiceContainer.getServiceContainer();
        ServiceName name = ServiceName.parse(SuspendableActivityRegistry.SERVICE_DESCRIPTOR.getName());
        if (container.getService(name) == null) {
            return "no service " + name;
        }
        ServiceBuilder<?> builder = container.addService();
        Supplier<SuspendableActivityRegistry> registry = builder.requires(name);
        builder.setInstance(new Service() {
            @Override
            public void start(StartContext context) {
                registry.get().registerActivity(ServerSuspension.this, SuspendableActivityRegistry.SuspendPriority.FIRST);
            }

            @Override
            public void stop(StopContext context) {
                registry.get().unregisterActivity(ServerSuspension.this);
            }
        });
        registration = builder.install();
        return null;
    }

    @Override
    public CompletionStage<Void> suspend(ServerSuspendContext context) {
        onSuspend.run();
        return COMPLETED;
    }

    @Override
    public CompletionStage<Void> resume(ServerResumeContext context) {
        onResume.run();
        return COMPLETED;
    }

    /** Unregisters: the server's registry must not keep this deployment's classes after an undeploy. */
    @Override
    public void close() {
        registration.setMode(ServiceController.Mode.REMOVE);
    }
}
