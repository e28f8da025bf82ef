// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization

/// An actor being loaded, or loaded.
enum Activation<A: AnyObject & Sendable>: Sendable {
    /// Loading: every caller awaits the same task, so an id is loaded once.
    case loading(Task<A, any Error>)
    case active(A)
}

extension Mutex {
    /// The active actor for `key`, or the result of `load`, run once however many callers ask at once.
    ///
    /// The load runs in an unstructured task on purpose: it is shared by every concurrent
    /// caller and must not be cancelled when the first of them is.
    func activate<Key: Hashable & Sendable, A: AnyObject & Sendable>(
        _ key: Key, load: @escaping @Sendable () async throws -> A
    ) async throws -> A where Value == [Key: Activation<A>] {
        let lookup: (actor: A?, task: Task<A, any Error>?) = withLock { map in
            switch map[key] {
            case .active(let actor)?:
                return (actor, nil)
            case .loading(let task)?:
                return (nil, task)
            case nil:
                let task = Task { try await load() }
                map[key] = .loading(task)
                return (nil, task)
            }
        }
        if let actor = lookup.actor { return actor }
        guard let task = lookup.task else { preconditionFailure("either an actor or a loading task") }
        do {
            let actor = try await task.value
            withLock { map in
                if case .loading = map[key] { map[key] = .active(actor) }
            }
            return actor
        } catch {
            withLock { map in
                if case .loading(let current) = map[key], current == task { map[key] = nil }
            }
            throw error
        }
    }
}
