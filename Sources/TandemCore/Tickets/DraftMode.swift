// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Whether the shared reply draft is being written as a public reply or as an internal
/// note: one mode for everyone on the ticket, part of the ticket's state.
///
/// It also remembers who edited the draft while it was internal, since the draft was last
/// empty, so that sending that text publicly can ask the sender to confirm.
public struct DraftMode: Codable, Sendable, Hashable {
    public var visibility: Visibility
    /// Who last changed the mode, and when; `nil` while it was never changed.
    public var setBy: UserID?
    public var setAt: Timestamp?
    /// The authors of draft edits made in internal mode since the draft was last empty.
    public var internalAuthors: Set<UserID>

    public init(
        visibility: Visibility = .public, setBy: UserID? = nil, setAt: Timestamp? = nil,
        internalAuthors: Set<UserID> = []
    ) {
        self.visibility = visibility
        self.setBy = setBy
        self.setAt = setAt
        self.internalAuthors = internalAuthors
    }

    /// People other than `sender` whose internal-mode text the draft may hold.
    public func internalAuthors(besides sender: UserID) -> Set<UserID> {
        internalAuthors.subtracting([sender])
    }

    private enum CodingKeys: String, CodingKey { case visibility, setBy, setAt, internalAuthors }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        visibility = try container.decode(Visibility.self, forKey: .visibility)
        setBy = try container.decodeIfPresent(UserID.self, forKey: .setBy)
        setAt = try container.decodeIfPresent(Timestamp.self, forKey: .setAt)
        internalAuthors = Set(try container.decodeIfPresent([UserID].self, forKey: .internalAuthors) ?? [])
    }

    /// `internalAuthors` is written sorted, so equal states encode to equal bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(visibility, forKey: .visibility)
        try container.encodeIfPresent(setBy, forKey: .setBy)
        try container.encodeIfPresent(setAt, forKey: .setAt)
        try container.encode(internalAuthors.sorted { $0.rawValue < $1.rawValue }, forKey: .internalAuthors)
    }
}
