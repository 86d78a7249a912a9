package io.pluginhost.runtime;

import java.util.Optional;

/**
 * The container's count of the plugins' background work in progress: a scheduled task's run, a Kafka
 * consumer's records being handled. A container's suspend waits for it as it waits for its requests
 * (WildFly's {@code :suspend}, and the one that begins a graceful {@code :shutdown}), and refuses new work
 * meanwhile. The engine asks before each piece of such work starts, on the thread that starts it.
 *
 * <p>A refusal comes before the engine hears of the suspend ({@link PluginManager#suspend}) or while it
 * does: the host should have the engine suspended by the time {@link #begin} returns, so that a task's run
 * is held for the resume. Work refused while the engine is not suspended (a container that sheds load) is
 * tried again shortly.
 */
public interface BackgroundWork {

    /** Counts nothing and refuses nothing: an engine outside a container. */
    BackgroundWork UNCOUNTED = () -> Optional.of(Counted.NOTHING);

    /**
     * @return the work's place in the count, to close when it ends; empty if the container refuses work now
     *         (it is suspending, or sheds load): the work must not start
     */
    Optional<Counted> begin();

    /** One piece of work in the count; closing it again does nothing. */
    interface Counted extends AutoCloseable {

        /** Not counted anywhere. */
        Counted NOTHING = () -> { };

        /** The work ended: the container's suspend no longer waits for it. */
        @Override
        void close();
    }
}
