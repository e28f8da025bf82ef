// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

extension TextOperation {
    /// One step of a ``TextOperation``; counts are in Unicode scalars.
    public enum Component: Sendable, Hashable {
        /// Keep the next `n` scalars.
        case retain(Int)
        /// Insert a text at the current position.
        case insert(String)
        /// Remove the next `n` scalars.
        case delete(Int)

        /// Compares scalar by scalar. (`String ==` uses canonical equivalence,
        /// under which "é" equals "e\u{301}" though their scalar counts differ.)
        public static func == (lhs: Component, rhs: Component) -> Bool {
            switch (lhs, rhs) {
            case let (.retain(a), .retain(b)), let (.delete(a), .delete(b)): a == b
            case let (.insert(a), .insert(b)): a.unicodeScalars.elementsEqual(b.unicodeScalars)
            default: false
            }
        }

        /// Hashes the kind and the count or the scalars.
        public func hash(into hasher: inout Hasher) {
            switch self {
            case let .retain(count):
                hasher.combine(0)
                hasher.combine(count)
            case let .insert(text):
                hasher.combine(1)
                for scalar in text.unicodeScalars { hasher.combine(scalar.value) }
            case let .delete(count):
                hasher.combine(2)
                hasher.combine(count)
            }
        }
    }
}
