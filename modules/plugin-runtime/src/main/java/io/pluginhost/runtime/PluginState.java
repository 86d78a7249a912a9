package io.pluginhost.runtime;

/** Where a known plugin stands. */
public enum PluginState {
    /** Initialized and serving. */
    LOADED,
    /** Its last load or reload failed; the error text says why. Nothing of it is in memory. */
    FAILED
}
