//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// The keys a ``ConfigurationLoader`` read, to tell settings from typos.
final class KeyLog: Sendable {
    private let storage = Mutex<Set<String>>([])

    func insert(_ key: String) { storage.withLock { _ = $0.insert(key) } }
    var keys: Set<String> { storage.withLock { $0 } }
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
