/**
 * Repositories through which a plugin reaches a database, Kafka and S3, restricted to the
 * tables, topics and buckets it declares and prefixed with its name, plus the API-owned types that
 * carry rows, messages and objects. Plugins never see a driver, Kafka or AWS class.
 */
package io.pluginhost.api.resource;
