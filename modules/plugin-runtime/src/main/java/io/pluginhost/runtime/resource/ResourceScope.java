package io.pluginhost.runtime.resource;

import io.pluginhost.runtime.BackgroundWork;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * What a repository implementation gets to know about the plugin it serves (the SPI between the
 * engine and {@code modules/resource-*}). Holds no reference to plugin classes.
 */
public interface ResourceScope {

    /** @return the plugin's name */
    String pluginName();

    /** @return the plugin's resources in effect; the repository must refuse everything else */
    EffectiveResources resources();

    /**
     * Runs plugin code (a Kafka handler, say) on a host thread the way the engine runs it: with the
     * plugin's class loader as context loader, never once the plugin is unloading, and
     * with any exception of the code reported as an error of the plugin rather than thrown.
     *
     * @param what a short description for the error report, e.g. "kafka handler for topic 'events'"
     * @param code the plugin code
     * @param <T>  its result
     * @return the result, or {@code null} if the code threw (and was reported)
     * @throws io.pluginhost.api.exception.PluginContextInvalidatedException if the plugin is unloading:
     *         the caller should stop delivering and not acknowledge what it did not deliver
     */
    <T> T callPlugin(String what, Callable<T> code);

    /**
     * Whether the host is suspended ({@link io.pluginhost.runtime.PluginManager#suspend}): a repository
     * that hands the plugin work of its own accord (a Kafka consumer's records) hands nothing over while
     * it is, and goes on from where it stopped once it is not. What the plugin calls is not affected.
     *
     * @return whether the host is suspended; never, outside an engine
     */
    default boolean suspended() {
        return false;
    }

    /**
     * Counts work a repository hands the plugin of its own accord (a Kafka consumer's records) as the
     * container's background work ({@link BackgroundWork}), which a suspend of the container waits for. A
     * refusal means the container is suspending or sheds load: hand nothing over now, and ask again later.
     *
     * @return the work's place in the count, to close when the plugin's code has handled it; empty if the
     *         container refuses work now. Outside an engine, never refused and counted nowhere.
     */
    default Optional<BackgroundWork.Counted> beginBackgroundWork() {
        return Optional.of(BackgroundWork.Counted.NOTHING);
    }

    /**
     * A scope outside the engine, for using a repository on its own (tools, benchmarks, tests): it
     * runs code in place and hands a failure to {@code onFailure} instead of reporting it.
     *
     * @param pluginName the plugin name the resources belong to
     * @param resources  the resources in effect
     * @param onFailure  receives the description and the exception of code that threw
     * @return the scope
     */
    static ResourceScope of(String pluginName, EffectiveResources resources, BiConsumer<String, Exception> onFailure) {
        return new ResourceScope() {
            @Override
            public String pluginName() {
                return pluginName;
            }

            @Override
            public EffectiveResources resources() {
                return resources;
            }

            @Override
            public <T> T callPlugin(String what, Callable<T> code) {
                try {
                    return code.call();
                } catch (Exception e) {
                    onFailure.accept(what, e);
                    return null;
                }
            }
        };
    }
}
