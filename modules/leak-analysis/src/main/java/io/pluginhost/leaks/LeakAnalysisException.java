package io.pluginhost.leaks;

import io.pluginhost.api.exception.PluginException;

/** A leak analysis that could not run or finish: the heap is too large, the disk refused, it took too long. */
public class LeakAnalysisException extends PluginException {

    private static final long serialVersionUID = 1L;

    /** @param message what stopped the analysis, and the setting that bounds it where there is one */
    public LeakAnalysisException(String message) {
        super(message);
    }
}
