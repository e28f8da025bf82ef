// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

@testable import TandemActors
import TandemCore
import TandemTestSupport
import Testing

/// The draft's attachments follow it into the comment it becomes: the registry recognises a
/// send from the draft in the operations the ticket actor really commits.
@Suite struct DraftAttachmentTests {
    @Test func aSendFromTheDraftIsRecognisedAndAPlainCommentIsNot() async throws {
        let fixture = try await TicketActorFixture.make()
        let actor = try await fixture.activate()
        let author = ActingUser(principal: fixture.agent, name: "Ada")
        var draft = TextOperation()
        draft.insert("See the attached log.")
        _ = try await actor.submit(
            SubmitRequest(
                actor: author, client: "c", seq: 1, baseVersion: 0, request: .change(.text(.replyDraft, draft)), replyTo: nil))
        _ = try await actor.submit(
            SubmitRequest(
                actor: author, client: "c", seq: 2, baseVersion: 1,
                request: .comment(CommentRequest(body: "", visibility: .internal, fromDraft: true)), replyTo: nil))
        _ = try await actor.submit(
            SubmitRequest(
                actor: author, client: "c", seq: 3, baseVersion: 3,
                request: .comment(CommentRequest(body: "Plain", visibility: .internal)), replyTo: nil))
        #expect(await waitUntil { (try? await fixture.storedVersions().count) == 4 })
        let ops = try await fixture.sqlite.ops(ticket: fixture.ticket, after: 0, through: .max)
        let sent = ActorRegistry.draftSends(in: ops)
        #expect(sent.map(\.body) == ["See the attached log."])
        #expect(sent.first?.visibility == .internal)
        await fixture.close()
    }
}
