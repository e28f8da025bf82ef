// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemRedis
import TandemServer
import TandemStoreMongo

extension TandemConfiguration {
    /// Checks what only the wiring can: that `store.url` names a store this build has,
    /// with a valid connection string, and that `cluster.redisURL` (when set) parses.
    /// Connects to nothing.
    /// - Throws: ``ConfigurationError`` naming `store.url` or `cluster.redisURL`.
    public func checkConnections() throws(ConfigurationError) {
        _ = try StoreLocation(store.url)
        if attachments.storage == "gridfs", !MongoStore.handles(store.url) {
            throw ConfigurationError(
                key: "attachments.storage", message: "gridfs needs a MongoDB store (store.url mongodb://…).")
        }
        guard !cluster.redisURL.isEmpty else { return }
        do {
            _ = try RedisConnectionOptions(url: cluster.redisURL)
        } catch {
            throw ConfigurationError(
                key: "cluster.redisURL", message: "must be redis://[[user]:password@]host[:port][/db] (\(error.kind.rawValue)).")
        }
    }
}
