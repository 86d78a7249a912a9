/**
 * Every error the host reports about plugins, as types a caller can catch and act on. All extend
 * {@link io.pluginhost.api.exception.PluginException}, an unchecked exception.
 */
package io.pluginhost.api.exception;
