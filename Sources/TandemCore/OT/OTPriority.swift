// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Which operand of a `transform(a, b, priority:)` call the server ordered
/// first — normally the operation that is already committed.
///
/// - Text: the operation with priority keeps its inserts *before* the other's
///   when both insert at the same position.
/// - Fields and tags: the operation ordered *later* wins a conflict, so the
///   priority operation is the one that gets overridden.
///
/// Both the server (incoming op against committed ops) and the clients
/// (in-flight op against a remote op) pass `.right` with the committed op on
/// the right, which makes every replica break ties the same way.
public enum OTPriority: Sendable, Hashable {
    /// The left operand (`a`) was ordered first.
    case left
    /// The right operand (`b`) was ordered first.
    case right

    /// The same ordering seen from the other operand.
    public var flipped: OTPriority { self == .left ? .right : .left }
}
