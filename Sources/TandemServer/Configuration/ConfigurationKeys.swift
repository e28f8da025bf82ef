// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization

/// One setting as ``ConfigurationLoader`` reads it: the loader's lookups are the one place a
/// setting is defined (key, type, default from ``TandemConfiguration``, valid range); the
/// environment variable is derived from the key, and SettingsContractTests holds
/// Config/tandem.json, Config/README.md and the CLI flags against these.
struct SettingDescriptor: Sendable, Hashable {
    enum Kind: String, Sendable { case string, int, bool, stringArray }

    /// The dotted key, for example `http.maxBodyBytes`.
    var key: String
    var kind: Kind
    /// The default in its JSON form (`8080`, `"127.0.0.1"`, `true`, `[]`).
    var defaultJSON: String
    /// For integers, the accepted values (in development mode).
    var range: ClosedRange<Int>?
    /// A secret: never shown in messages, never written in the example file.
    var secret: Bool

    /// The environment variable that sets it: `http.maxBodyBytes` → `TANDEM_HTTP_MAX_BODY_BYTES`.
    var environmentVariable: String { "TANDEM_" + ConfigurationError.environmentName(of: key) }
}

/// The settings a ``ConfigurationLoader`` read, to tell settings from typos.
final class KeyLog: Sendable {
    private let storage = Mutex<[String: SettingDescriptor]>([:])

    func insert(_ setting: SettingDescriptor) { storage.withLock { $0[setting.key] = setting } }
    var keys: Set<String> { storage.withLock { Set($0.keys) } }
    var settings: [SettingDescriptor] { storage.withLock { $0.values.sorted { $0.key < $1.key } } }
}

/// The dotted keys of a JSON configuration file (`{"http": {"port": 1}}` → `http.port`).
enum JSONKeys {
    /// The file's leaf keys; none if it cannot be read (the file provider reports that).
    static func keys(inFileAt path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [] }
        return leaves(object, prefix: "").sorted()
    }

    private static func leaves(_ object: [String: Any], prefix: String) -> [String] {
        object.flatMap { key, value -> [String] in
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if let nested = value as? [String: Any] { return leaves(nested, prefix: path) }
            return [path]
        }
    }
}
