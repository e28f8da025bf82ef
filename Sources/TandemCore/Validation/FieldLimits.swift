// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The size limits of input fields that the REST API and the WebSocket protocol share
/// (docs/API.md, "Field limits"). Limits that are settings live in the configuration.
public enum FieldLimits {
    /// A name of a user or team, in Unicode scalars.
    public static let nameScalars = 120
    /// A ticket subject, in Unicode scalars.
    public static let subjectScalars = 200
    /// One tag, in Unicode scalars after trimming.
    public static let tagScalars = 64
    /// Tags in one request (`tags`, `addTags`, `removeTags` each, or one `tags` op).
    public static let tagsPerRequest = 50
    /// User ids mentioned by one comment.
    public static let mentionsPerComment = 50
    /// An id given in a body or a frame (`usr_…`, `ntf_…`), in bytes.
    public static let identifierBytes = 64
    /// Notification ids in one `POST /notifications/read`.
    public static let idsPerRequest = 200
    /// Members listed by one `POST /teams` (more join one by one).
    public static let membersPerRequest = 200

    // The WebSocket protocol's own fields (docs/PROTOCOL.md 3.1, 8).

    /// A frame's `ref`, in UTF-8 bytes.
    public static let refBytes = 64
    /// An `op` frame's `client`, in UTF-8 bytes.
    public static let clientBytes = 64
    /// An `auth` frame's `token`, in UTF-8 bytes.
    public static let tokenBytes = 4096
    /// A `topic`, in characters.
    public static let topicCharacters = 64

    /// Whether `text` holds a control character (Unicode general category Cc).
    public static func hasControlCharacter(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
