// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemActors
import TandemCore

extension LiveSession {
    /// Re-reads the user's account and teams and drops what they may no longer see; sends
    /// the notifications again. Runs on the ``ConnectionSignal/recheck`` signal.
    func recheck() async {
        guard let identity else { return }
        let store = service.store
        let found: (user: User?, session: Session?, teams: [TeamID: TeamRole])
        do {
            found = (
                try await store.user(id: identity.user.id), try await store.session(id: identity.session.id),
                try await store.memberships(of: identity.user.id)
            )
        } catch {
            // The store cannot say: keep the connection as it is (a revocation cannot have been
            // written either); the next re-check decides.
            logger.warning("re-check skipped: store unavailable", metadata: ["error": "\(error)"])
            return
        }
        guard let user = found.user, !user.disabled, let session = found.session, session.isActive(at: service.clock.now())
        else {
            connection.signal(.close(code: CloseCode.sessionRevoked, reason: "session ended"))
            return
        }
        let principal = Principal(userID: user.id, role: user.role, teams: found.teams)
        var updated = identity
        updated.user = user
        updated.principal = principal
        self.identity = updated
        for topic in subscriptions.topics {
            let allowed: Bool
            switch topic {
            case .ticket(let id):
                do {
                    allowed = try await service.registry.recheck(id, connection.address, principal: principal)
                } catch {
                    // The ticket cannot answer now (moving between nodes, store down). Its frames
                    // stop here, and the client's resubscription is authorized afresh.
                    logger.warning("subscription re-check failed", metadata: ["topic": "\(topic)", "error": "\(error)"])
                    connection.resync(topic: "\(topic)", reason: "recheck")
                    allowed = true
                }
            case .team(let id?):
                allowed = service.policy.decide(principal, .readTeam, .team(id)).isAllowed
            case .team(nil):
                allowed = principal.role.isStaff
            case .notifications:
                // A notification pushed while this node missed events (or any other) is in the
                // store: send the list and count again, which replace the client's.
                allowed = true
                if let frame = await notificationsFrame(of: user.id, ref: nil) { connection.enqueue(frame, topic: nil) }
            }
            if !allowed {
                await leave(topic)
                connection.enqueue(ServerFrame.event(.unsubscribed(topic: "\(topic)", reason: "forbidden")), topic: nil)
                logger.info("subscription revoked", metadata: ["topic": "\(topic)"])
            }
        }
    }
}
