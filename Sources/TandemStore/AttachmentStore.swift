// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Attachment records: which ticket, comment or draft a file belongs to, who may see it, and
/// where its bytes are (their SHA-256 in ``AttachmentStorage``).
public protocol AttachmentStore: Sendable {
    /// Records `attachment` unless its ticket's attachments would then hold more than
    /// `ticketQuota` bytes in all; the check and the insert are one step.
    func addAttachment(_ attachment: Attachment, ticketQuota: Int64) async throws -> AttachmentAdmission
    /// One attachment, or `nil`.
    func attachment(id: AttachmentID) async throws -> Attachment?
    /// A ticket's attachments, oldest first.
    func attachments(ticket: TicketID) async throws -> [Attachment]
    /// Moves the draft's attachments of `ticket` to `comment`, which now decides their visibility;
    /// returns them as moved.
    func moveDraftAttachments(ticket: TicketID, to comment: CommentID, visibility: Visibility) async throws -> [Attachment]
    /// Removes one record and returns it (`nil` when there was none). Its bytes stay until no
    /// record names them (``attachmentAddresses()``; the orphan sweep).
    func deleteAttachment(id: AttachmentID) async throws -> Attachment?
    /// Removes every attachment record of `ticket` (retention, with the ticket).
    func deleteAttachments(ticket: TicketID) async throws
    /// Every SHA-256 some record names, as its bytes or its thumbnail.
    func attachmentAddresses() async throws -> Set<String>
}

/// The answer of ``AttachmentStore/addAttachment(_:ticketQuota:)``.
public enum AttachmentAdmission: Sendable, Hashable {
    case added
    /// Refused: the ticket already holds `used` bytes of attachments.
    case overQuota(used: Int64)
}
