package io.pluginhost.runtime;

import java.time.Duration;

/**
 * Who runs a plugin's task scheduled to run on one node
 * ({@link io.pluginhost.api.PluginScheduler#scheduleOnOneNode}): a lease per plugin and task, kept where
 * every node of the cluster looks (the host's database), held by one node at a time. An instance speaks
 * for one node. The engine calls it on threads of its own, never on the timer's or a plugin's.
 */
public interface TaskLeases {

    /** A node alone: it holds every lease, and there is nothing to keep. */
    TaskLeases ALONE = new TaskLeases() {
        @Override
        public boolean hold(String plugin, String task, Duration hold) {
            return true;
        }

        @Override
        public void release(String plugin, String task) {
            // nothing held elsewhere
        }

        @Override
        public String toString() {
            return "this node alone";
        }
    };

    /**
     * Takes the task's lease for this node if no node holds it or its holder let it lapse, or renews it if
     * this node holds it; either way until {@code hold} from now by the store's clock.
     *
     * @param plugin the plugin
     * @param task   the task's name
     * @param hold   how long the lease lasts unless renewed
     * @return whether this node holds the lease now
     * @throws Exception if the store cannot be asked; the engine takes it as not held
     */
    boolean hold(String plugin, String task, Duration hold) throws Exception;

    /**
     * Gives the lease up if this node holds it, so that another node takes the task at its next time.
     *
     * @param plugin the plugin
     * @param task   the task's name
     * @throws Exception if the store cannot be asked; the lease then lapses
     */
    void release(String plugin, String task) throws Exception;
}
