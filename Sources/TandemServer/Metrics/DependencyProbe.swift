// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A service the node needs (the store; Redis in a cluster), checked by `/readyz` and on every
/// `/metrics` scrape (`tandem_dependency_up{dependency="…"}`).
public struct DependencyProbe: Sendable {
    /// The name in `/readyz`'s answer and in the metric's `dependency` label.
    public var name: String
    /// Throws when the dependency does not answer.
    public var check: @Sendable () async throws -> Void

    public init(name: String, check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }

    /// Whether the dependency answered within `timeout`; a probe that hangs counts as down.
    func answers(within timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await check()
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
