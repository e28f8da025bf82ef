// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore

/// Attachments pass through to the store underneath, uncontrolled.
extension ControlledStore {
    package func addAttachment(_ attachment: Attachment, ticketQuota: Int64) async throws -> AttachmentAdmission {
        try await base.addAttachment(attachment, ticketQuota: ticketQuota)
    }
    package func attachment(id: AttachmentID) async throws -> Attachment? { try await base.attachment(id: id) }
    package func attachments(ticket: TicketID) async throws -> [Attachment] { try await base.attachments(ticket: ticket) }
    package func moveDraftAttachments(
        ticket: TicketID, to comment: CommentID, visibility: Visibility
    ) async throws -> [Attachment] {
        try await base.moveDraftAttachments(ticket: ticket, to: comment, visibility: visibility)
    }
    package func deleteAttachment(id: AttachmentID) async throws -> Attachment? { try await base.deleteAttachment(id: id) }
    package func deleteAttachments(ticket: TicketID) async throws { try await base.deleteAttachments(ticket: ticket) }
    package func attachmentAddresses() async throws -> Set<String> { try await base.attachmentAddresses() }
}
