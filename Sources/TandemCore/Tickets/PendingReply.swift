// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A public reply by staff inside its undo window: staff see it, the customer does not.
///
/// It becomes an ordinary public comment (a `comment` operation with the same id) when
/// `publishAt` has passed, or leaves without trace for the customer when it is undone.
public struct PendingReply: Codable, Sendable, Hashable {
    public var comment: Comment
    /// When it is published, unless undone before.
    public var publishAt: Timestamp

    public init(comment: Comment, publishAt: Timestamp) {
        self.comment = comment
        self.publishAt = publishAt
    }
}
