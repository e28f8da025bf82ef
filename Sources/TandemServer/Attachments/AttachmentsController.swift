// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TandemActors
import TandemCore
import TandemMedia
import TandemStore

/// `/api/v1/tickets/{id}/attachments`: upload (streamed), list, download (ranges), thumbnails.
///
/// An upload is the raw body (any `Content-Type`, which is ignored): its type is sniffed from
/// its first bytes (libmagic), checked against the allow and deny lists, and for images the
/// header's pixel count is checked, all before the rest is stored; the bytes go to storage as
/// they arrive. Visibility follows what it is attached to: the unsent reply draft or an
/// internal note, staff only; a public reply, everyone who reads the ticket. A customer asking
/// for anything else gets 404, as for a ticket they may not read.
struct AttachmentsController {
    typealias Context = TandemRequestContext
    let store: any TandemStore
    let registry: ActorRegistry
    let policy: AccessPolicy
    let clock: any TandemClock
    let storage: any AttachmentStorage
    let settings: AttachmentSettings
    let sniffer: TypeSniffer
    let thumbnailer: Thumbnailer
    let logger: Logger
    let ids = IdentifierGenerator()

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(":id/attachments", use: upload)
        group.get(":id/attachments", use: list)
        group.get(":id/attachments/:attachmentId/content", use: content)
        group.get(":id/attachments/:attachmentId/thumbnail", use: thumbnail)
    }

    // MARK: - Upload

    @Sendable func upload(_ request: Request, context: Context) async throws -> Response {
        let identity = try context.requireIdentity()
        let ticketID = TicketID(try context.pathParameter("id"))
        let view = try await readable(ticketID, identity)
        let query = request.uri.queryParameters
        let name: String
        do {
            name = try AttachmentName.sanitize(String(query["name"] ?? ""))
        } catch {
            throw APIError(error)
        }
        let (owner, visibility) = try owner(query, view: view, identity: identity)
        // The length is required: a body that ends early (the client went away) ends the stream
        // like a whole one, and only the declared length tells them apart.
        guard let length = request.headers[.contentLength].flatMap(Int.init) else {
            throw APIError(
                .lengthRequired, code: "length_required", message: "Send the file with a Content-Length (not chunked).")
        }
        guard length <= settings.maxBytes else { throw Self.tooLarge(settings.maxBytes) }

        var staged: StagedUpload?
        do {
            var prefix: [UInt8] = []
            var total = 0
            for try await buffer in request.body {
                total += buffer.readableBytes
                guard total <= settings.maxBytes else { throw Self.tooLarge(settings.maxBytes) }
                let bytes = Array(buffer.readableBytesView)
                if let staged {
                    try await staged.upload.write(bytes)
                } else {
                    prefix += bytes
                    if prefix.count >= TypeSniffer.sniffBytes { staged = try await stage(prefix) }
                }
            }
            // A client that goes away half way ends the body early, without an error: never store a part.
            guard total == length else {
                throw APIError(
                    .badRequest, code: "upload_incomplete",
                    message: "The body ended after \(total) of \(length) bytes; nothing was stored.")
            }
            if staged == nil {
                guard !prefix.isEmpty else {
                    throw APIError(.unprocessableContent, code: "empty_file", message: "The file is empty.")
                }
                staged = try await stage(prefix)
            }
            guard let staged else { throw APIError(.internalServerError, code: "internal", message: "No upload.") }
            let blob = try await staged.upload.commit()
            var attachment = Attachment(
                id: ids.make("att", at: UInt64(clock.now().millisecondsSince1970)), ticket: ticketID, owner: owner,
                uploader: identity.user.id, name: name,
                type: staged.type, size: blob.size, sha256: blob.address.sha256, visibility: visibility, createdAt: clock.now())
            if staged.isImage {
                // The thumbnail reads the stored image whole: at most `attachments.maxBytes`, images only.
                let image = try await storage.readAll(blob.address)
                let header = try await thumbnailer.header(of: image)
                let png = try await thumbnailer.thumbnail(of: image)
                attachment.thumbnail = try await storage.put(png).address.sha256
                attachment.width = header.width
                attachment.height = header.height
            }
            // Refused from here on, the stored bytes are unnamed: the orphan sweep removes them.
            switch try await store.addAttachment(attachment, ticketQuota: settings.ticketQuotaBytes) {
            case .added: break
            case .overQuota(let used):
                throw APIError(
                    .contentTooLarge, code: "ticket_quota_exceeded",
                    message: "The ticket holds \(used) bytes of attachments; its quota is \(settings.ticketQuotaBytes).")
            }
            logger.info(
                "attachment stored",
                metadata: [
                    "attachment": "\(attachment.id)", "ticket": "\(ticketID)", "type": "\(attachment.type)",
                    "size": "\(attachment.size)", "new": "\(blob.created)",
                ])
            // The ticket's other viewers who may see it get an `attachment` frame (PROTOCOL.md).
            await registry.attachmentAdded(attachment)
            var response = try AttachmentResource(attachment).response(from: request, context: context)
            response.status = .created
            return response
        } catch let error as MediaError {
            await staged?.upload.abort()
            throw Self.apiError(error)
        } catch let error as AttachmentStorageError {
            await staged?.upload.abort()
            logger.error("attachment storage failed", metadata: ["ticket": "\(ticketID)", "error": "\(error)"])
            throw APIError(.serviceUnavailable, code: "storage_unavailable", message: "The file was not stored; try again.")
        } catch {
            await staged?.upload.abort()
            throw error
        }
    }

    /// An upload whose type passed the checks, with its first bytes written.
    struct StagedUpload {
        var upload: any AttachmentUpload
        var type: String
        var isImage: Bool
    }

    /// Sniffs `prefix`, refuses a type not allowed (415) or an image declaring too many pixels
    /// (422), then starts storing.
    private func stage(_ prefix: [UInt8]) async throws -> StagedUpload {
        let type = await sniffer.mimeType(of: prefix)
        guard settings.accepts(type) else {
            throw APIError(
                .unsupportedMediaType, code: "type_not_allowed", message: "Files of type \(type) cannot be attached.")
        }
        let isImage = Attachment.inlineImageTypes.contains(type)
        // The header is usually within the first bytes: an image bomb stops here, before it is
        // stored. A header further in is checked again once the whole image is stored.
        if isImage, let header = try? await thumbnailer.header(of: prefix), header.pixels > thumbnailer.maxPixels {
            throw MediaError.imageTooLarge(
                width: header.width, height: header.height, pages: header.pages, limit: thumbnailer.maxPixels)
        }
        let upload = try await storage.beginUpload()
        do {
            try await upload.write(prefix)
        } catch {
            await upload.abort()
            throw error
        }
        return StagedUpload(upload: upload, type: type, isImage: isImage)
    }

    /// What the upload is attached to (`?comment=cmt_…`, or the shared reply draft when absent)
    /// and so who may see it.
    private func owner(
        _ query: Parameters, view: TicketView, identity: AuthenticatedIdentity
    ) throws -> (AttachmentOwner, Visibility) {
        let resource = Resource.ticket(requester: view.requester, team: view.team)
        if let raw = query["comment"], !raw.isEmpty {
            let id = CommentID(String(raw))
            // A customer's view holds only the comments they may see.
            guard let comment = view.comments.first(where: { $0.id == id }) else { throw APIError.notFound("Comment") }
            let staff = policy.decide(identity.principal, .workInternal, resource).isAllowed
            guard comment.author == identity.user.id || staff else {
                throw APIError.forbidden("Only the comment's author or the ticket's agents may attach files to it.")
            }
            return (.comment(id), comment.visibility)
        }
        try policy.authorize(identity, .workInternal, resource)
        return (.draft, .internal)
    }

    // MARK: - Reads

    @Sendable func list(_ request: Request, context: Context) async throws -> AttachmentListResource {
        let identity = try context.requireIdentity()
        let ticketID = TicketID(try context.pathParameter("id"))
        let view = try await readable(ticketID, identity)
        let all = try await store.attachments(ticket: ticketID)
        return AttachmentListResource(
            items: all.filter { visible($0, view: view, identity: identity) }.map(AttachmentResource.init))
    }

    @Sendable func content(_ request: Request, context: Context) async throws -> Response {
        let attachment = try await authorized(request, context: context)
        guard let address = ContentAddress(hex: attachment.sha256) else { throw APIError.notFound("Attachment") }
        let size = attachment.size
        var headers = Self.downloadHeaders(attachment)
        headers[.acceptRanges] = "bytes"
        headers[.eTag] = "\"\(attachment.sha256)\""
        let range: Range<Int64>
        var status = HTTPResponse.Status.ok
        switch ByteRange(header: request.headers[.range], size: size) {
        case .whole:
            range = 0..<size
        case .part(let part):
            range = part
            status = .partialContent
            headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound - 1)/\(size)"
        case .unsatisfiable:
            var refusal = try APIError(
                .rangeNotSatisfiable, code: "range_not_satisfiable", message: "The file has \(size) bytes."
            ).response(from: request, context: context)
            refusal.headers[.contentRange] = "bytes */\(size)"
            return refusal
        }
        headers[.contentLength] = String(range.count)
        return Response(status: status, headers: headers, body: Self.body(storage.read(address, range: range)))
    }

    @Sendable func thumbnail(_ request: Request, context: Context) async throws -> Response {
        let attachment = try await authorized(request, context: context)
        guard let thumbnail = attachment.thumbnail.flatMap(ContentAddress.init(hex:)) else {
            throw APIError.notFound("Thumbnail")
        }
        guard let size = try await storage.size(of: thumbnail) else { throw APIError.notFound("Thumbnail") }
        var headers = Self.securityHeaders
        headers[.contentType] = "image/png"
        headers[.contentDisposition] = "inline"
        headers[.contentLength] = String(size)
        headers[.cacheControl] = "private, max-age=86400"
        return Response(status: .ok, headers: headers, body: Self.body(storage.read(thumbnail, range: 0..<size)))
    }

    /// The attachment named in the path, if the caller may see it; otherwise 404.
    private func authorized(_ request: Request, context: Context) async throws -> Attachment {
        let identity = try context.requireIdentity()
        let ticketID = TicketID(try context.pathParameter("id"))
        let id = AttachmentID(try context.pathParameter("attachmentId"))
        let view = try await readable(ticketID, identity)
        guard let attachment = try await store.attachment(id: id), attachment.ticket == ticketID,
            visible(attachment, view: view, identity: identity)
        else { throw APIError.notFound("Attachment") }
        return attachment
    }

    /// Staff who may read the ticket see every attachment; anyone else only those of comments
    /// in their view of it (public, no longer pending), never the draft's.
    private func visible(_ attachment: Attachment, view: TicketView, identity: AuthenticatedIdentity) -> Bool {
        let resource = Resource.ticket(requester: view.requester, team: view.team)
        if policy.decide(identity.principal, .workInternal, resource).isAllowed { return true }
        guard attachment.visibility == .public, let comment = attachment.owner.comment else { return false }
        return view.comments.contains { $0.id == comment && $0.visibility == .public }
    }

    /// The ticket's view if the caller may read it; otherwise 404.
    private func readable(_ id: TicketID, _ identity: AuthenticatedIdentity) async throws -> TicketView {
        do {
            return try await registry.view(id, for: identity.principal)
        } catch .notFound, .forbidden {
            throw APIError.notFound("Ticket")
        } catch {
            throw APIError(error)
        }
    }

    // MARK: - Response parts

    /// A sandbox for anything opened from the API's origin: no script, no plugin, no form, its
    /// own opaque origin (``SecurityHeadersHandler`` keeps a route's own policy).
    static let contentSecurityPolicy =
        "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'"

    static var securityHeaders: HTTPFields {
        [.contentSecurityPolicy: contentSecurityPolicy, .xContentTypeOptions: "nosniff"]
    }

    static func downloadHeaders(_ attachment: Attachment) -> HTTPFields {
        var headers = securityHeaders
        headers[.contentType] = attachment.type.hasPrefix("text/") ? attachment.type + "; charset=utf-8" : attachment.type
        headers[.contentDisposition] = contentDisposition(attachment.name, inline: attachment.isInlineImage)
        headers[.cacheControl] = "private, max-age=86400"
        return headers
    }

    /// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266). The name is
    /// already free of control characters; quotes and backslashes leave the ASCII form.
    static func contentDisposition(_ name: String, inline: Bool) -> String {
        let ascii = String(
            name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0 != ";" ? Character($0) : "_" })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "\(inline ? "inline" : "attachment"); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    static func body(_ chunks: AsyncThrowingStream<[UInt8], any Error>) -> ResponseBody {
        ResponseBody(asyncSequence: chunks.map { ByteBuffer(bytes: $0) })
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "The file is larger than \(limit) bytes.")
    }

    static func apiError(_ error: MediaError) -> APIError {
        switch error {
        case .imageTooLarge(let width, let height, let pages, let limit):
            APIError(
                .unprocessableContent, code: "image_too_large",
                message:
                    "The image declares \(width)×\(height) pixels\(pages > 1 ? " × \(pages) frames" : ""); at most \(limit) pixels are accepted."
            )
        case .undecodableImage(let reason):
            APIError(.unprocessableContent, code: "invalid_image", message: "The image cannot be read: \(reason).")
        case .libraryUnavailable(let what):
            APIError(.serviceUnavailable, code: "media_unavailable", message: "Images cannot be processed: \(what).")
        }
    }
}

extension AttachmentsController {
    /// The controller over `dependencies`: their attachment storage, or the directory
    /// `attachments.directory`; libmagic and libvips started (a clear error if they cannot).
    static func make(
        _ dependencies: ServerDependencies, registry: ActorRegistry, policy: AccessPolicy
    ) throws
        -> AttachmentsController
    {
        let configuration = dependencies.configuration.attachments
        let storage = try dependencies.attachmentStorage ?? LocalAttachmentStorage(root: configuration.directory)
        return AttachmentsController(
            store: dependencies.store, registry: registry, policy: policy, clock: dependencies.clock, storage: storage,
            settings: AttachmentSettings(configuration), sniffer: try TypeSniffer(),
            thumbnailer: try Thumbnailer(maxPixels: configuration.maxImagePixels), logger: dependencies.logger)
    }
}
