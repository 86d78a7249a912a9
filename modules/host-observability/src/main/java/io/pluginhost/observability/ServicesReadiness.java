package io.pluginhost.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/**
 * {@code pluginhost-services} in {@code /health/ready}: whether the database(s), Kafka and S3 the host
 * is configured to give plugins answer ({@code reachable} or why not), and the operator state the nodes
 * share, where they do (as the host's last look at it found it); down while one does not. Each probe is
 * bounded (2 s for a database, the Kafka admin timeout, the S3 call timeout).
 */
@Readiness
@ApplicationScoped
public class ServicesReadiness implements HealthCheck {

    @Inject
    HostHealth health;

    @Override
    public HealthCheckResponse call() {
        return health.report("pluginhost-services", this::report);
    }

    private HealthCheckResponse report(HealthSource host) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("pluginhost-services");
        boolean up = true;
        for (Map.Entry<String, String> service : host.serviceProblems().entrySet()) {
            up &= service.getValue() == null;
            response.withData(service.getKey(), service.getValue() == null ? "reachable"
                    : host.withoutServerPaths(service.getValue()));
        }
        return response.status(up).build();
    }
}
