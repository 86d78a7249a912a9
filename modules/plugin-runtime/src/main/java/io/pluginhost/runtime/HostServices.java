package io.pluginhost.runtime;

import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.api.resource.S3Repository;
import io.pluginhost.runtime.resource.RepositoryProvider;

import java.util.Optional;

/**
 * The external services the host offers plugins. A plugin's context has a repository of a kind
 * exactly when the host configured a provider for it.
 *
 * @param database provides {@link DatabaseRepository}s, if the host has a database
 * @param kafka    provides {@link KafkaRepository}s, if the host has Kafka
 * @param s3       provides {@link S3Repository}s, if the host has S3
 * @param leases   who runs the tasks plugins schedule on one node of a cluster; {@link TaskLeases#ALONE} for
 *                 an engine that is not in one
 * @param work     the container's count of the plugins' background work, which its suspend waits for;
 *                 {@link BackgroundWork#UNCOUNTED} outside a container
 */
public record HostServices(Optional<RepositoryProvider<DatabaseRepository>> database,
                           Optional<RepositoryProvider<KafkaRepository>> kafka,
                           Optional<RepositoryProvider<S3Repository>> s3,
                           TaskLeases leases,
                           BackgroundWork work) {

    /** No external services, and no cluster. */
    public static final HostServices NONE = new HostServices(Optional.empty(), Optional.empty(), Optional.empty(),
            TaskLeases.ALONE, BackgroundWork.UNCOUNTED);

    /** @param provider the database provider @return a copy with it */
    public HostServices withDatabase(RepositoryProvider<DatabaseRepository> provider) {
        return new HostServices(Optional.of(provider), kafka, s3, leases, work);
    }

    /** @param provider the Kafka provider @return a copy with it */
    public HostServices withKafka(RepositoryProvider<KafkaRepository> provider) {
        return new HostServices(database, Optional.of(provider), s3, leases, work);
    }

    /** @param provider the S3 provider @return a copy with it */
    public HostServices withS3(RepositoryProvider<S3Repository> provider) {
        return new HostServices(database, kafka, Optional.of(provider), leases, work);
    }

    /** @param store where the leases of tasks on one node are kept @return a copy with it */
    public HostServices withTaskLeases(TaskLeases store) {
        return new HostServices(database, kafka, s3, store, work);
    }

    /** @param count the container's count of background work @return a copy with it */
    public HostServices withBackgroundWork(BackgroundWork count) {
        return new HostServices(database, kafka, s3, leases, count);
    }
}
