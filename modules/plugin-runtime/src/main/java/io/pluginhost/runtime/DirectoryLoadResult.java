package io.pluginhost.runtime;

import io.pluginhost.api.exception.PluginException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What loading a plugin directory did. One bad jar does not stop the others.
 *
 * @param loaded the plugins now loaded, in load order
 * @param failed each jar that did not load, with why
 */
public record DirectoryLoadResult(List<PluginInfo> loaded, Map<Path, PluginException> failed) {

    /** Copies the collections. */
    public DirectoryLoadResult {
        loaded = List.copyOf(loaded);
        failed = Map.copyOf(failed);
    }
}
