// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdTesting
import TandemCore
import Testing

@testable import TandemServer

/// The access policy as the API enforces it: customers reach only themselves,
/// agents their customers and teammates, supervisors their teams' membership,
/// admins everything. A refused read of one record is a 404, not a 403.
@Suite struct RBACTests {
    /// Two teams: Alpha (supervisor Sam, agents Ann and Art) and Beta (supervisor Sue, agent Bea);
    /// two customers; one admin.
    struct Org: Sendable {
        var env: TestEnvironment
        var admin, sam, ann, art, sue, bea, cat, cid: User
        var alpha, beta: Team
        var everyone: [User] { [admin, sam, ann, art, sue, bea, cat, cid] }

        static func make() async throws -> Org {
            let env = try await TestEnvironment.make()
            let admin = try await env.user("admin@example.com", role: .admin)
            let sam = try await env.user("sam@example.com", role: .supervisor)
            let ann = try await env.user("ann@example.com", role: .agent)
            let art = try await env.user("art@example.com", role: .agent)
            let sue = try await env.user("sue@example.com", role: .supervisor)
            let bea = try await env.user("bea@example.com", role: .agent)
            let cat = try await env.user("cat@example.com", role: .customer)
            let cid = try await env.user("cid@example.com", role: .customer)
            let alpha = try await env.team("Alpha", [(sam, .supervisor), (ann, .agent), (art, .agent)])
            let beta = try await env.team("Beta", [(sue, .supervisor), (bea, .agent)])
            return Org(
                env: env, admin: admin, sam: sam, ann: ann, art: art, sue: sue, bea: bea, cat: cat, cid: cid,
                alpha: alpha, beta: beta)
        }
    }

    private func ids(_ response: TestResponse) throws -> Set<String> {
        Set(try response.page().items.compactMap { $0["id"] as? String })
    }

    @Test func customerReachesOnlyThemselves() async throws {
        let org = try await Org.make()
        try await org.env.run { api in
            let cat = try await api.login("cat@example.com").accessToken
            expectError(try await api.get("/api/v1/users", bearer: cat), .forbidden, "forbidden")
            expectError(try await api.get("/api/v1/users?role=customer", bearer: cat), .forbidden, "forbidden")
            expectError(try await api.get("/api/v1/users/\(org.cid.id)", bearer: cat), .notFound, "not_found")
            expectError(try await api.get("/api/v1/users/\(org.ann.id)", bearer: cat), .notFound, "not_found")
            expectError(try await api.get("/api/v1/users/\(org.admin.id)", bearer: cat), .notFound, "not_found")
            // A refused read looks exactly like a missing record.
            let missing = try await api.get("/api/v1/users/usr_DOESNOTEXIST0000000000000", bearer: cat)
            let hidden = try await api.get("/api/v1/users/\(org.cid.id)", bearer: cat)
            #expect(missing.status == hidden.status)
            #expect(missing.errorCode == hidden.errorCode)
            #expect(missing.errorMessage == hidden.errorMessage)

            let own = try await api.get("/api/v1/users/\(org.cat.id)", bearer: cat)
            #expect(own.status == .ok)
            expectError(
                try await api.patch("/api/v1/users/\(org.cid.id)", ["name": "Hacked"], bearer: cat), .notFound,
                "not_found")
            let rename = try await api.patch("/api/v1/users/\(org.cat.id)", ["name": "Cat C."], bearer: cat)
            #expect(rename.status == .ok)
            expectError(
                try await api.patch("/api/v1/users/\(org.cat.id)", ["role": "admin"], bearer: cat), .forbidden,
                "forbidden")
            expectError(
                try await api.post(
                    "/api/v1/users",
                    ["email": "x@example.com", "name": "X", "password": goodPassword, "role": "customer"], bearer: cat),
                .forbidden, "forbidden")
            expectError(try await api.get("/api/v1/teams", bearer: cat), .forbidden, "forbidden")
            expectError(try await api.get("/api/v1/teams/\(org.alpha.id)", bearer: cat), .notFound, "not_found")
            expectError(try await api.post("/api/v1/teams", ["name": "Mine"], bearer: cat), .forbidden, "forbidden")
        }
    }

    @Test func agentSeesCustomersAndTeammatesButNotEveryone() async throws {
        let org = try await Org.make()
        try await org.env.run { api in
            let ann = try await api.login("ann@example.com").accessToken
            let customers = try await api.get("/api/v1/users?role=customer", bearer: ann)
            #expect(customers.status == .ok)
            #expect(try ids(customers) == [org.cat.id.rawValue, org.cid.id.rawValue])
            let team = try await api.get("/api/v1/users?teamId=\(org.alpha.id)", bearer: ann)
            #expect(team.status == .ok)
            #expect(try ids(team) == [org.sam.id.rawValue, org.ann.id.rawValue, org.art.id.rawValue])

            expectError(try await api.get("/api/v1/users", bearer: ann), .forbidden, "forbidden")
            expectError(try await api.get("/api/v1/users?role=agent", bearer: ann), .forbidden, "forbidden")
            expectError(try await api.get("/api/v1/users?teamId=\(org.beta.id)", bearer: ann), .forbidden, "forbidden")

            #expect(try await api.get("/api/v1/users/\(org.cat.id)", bearer: ann).status == .ok)
            #expect(try await api.get("/api/v1/users/\(org.art.id)", bearer: ann).status == .ok)
            #expect(try await api.get("/api/v1/users/\(org.sam.id)", bearer: ann).status == .ok)
            expectError(try await api.get("/api/v1/users/\(org.bea.id)", bearer: ann), .notFound, "not_found")
            expectError(try await api.get("/api/v1/users/\(org.admin.id)", bearer: ann), .notFound, "not_found")

            // Visible is not editable.
            expectError(
                try await api.patch("/api/v1/users/\(org.art.id)", ["name": "Renamed"], bearer: ann), .forbidden,
                "forbidden")
            expectError(
                try await api.patch("/api/v1/users/\(org.cat.id)", ["disabled": true], bearer: ann), .forbidden,
                "forbidden")

            let teams = try await api.get("/api/v1/teams", bearer: ann)
            #expect(teams.status == .ok)
            #expect(try ids(teams) == [org.alpha.id.rawValue])
            #expect(try await api.get("/api/v1/teams/\(org.alpha.id)", bearer: ann).status == .ok)
            expectError(try await api.get("/api/v1/teams/\(org.beta.id)", bearer: ann), .notFound, "not_found")
            expectError(
                try await api.put("/api/v1/teams/\(org.alpha.id)/members/\(org.bea.id)", ["role": "agent"], bearer: ann),
                .forbidden, "forbidden")
            expectError(
                try await api.delete("/api/v1/teams/\(org.alpha.id)/members/\(org.art.id)", bearer: ann), .forbidden,
                "forbidden")
        }
    }

    @Test func supervisorManagesAgentsOfTheirOwnTeamOnly() async throws {
        let org = try await Org.make()
        try await org.env.run { api in
            let sam = try await api.login("sam@example.com").accessToken
            let alpha = "/api/v1/teams/\(org.alpha.id)"

            let add = try await api.put("\(alpha)/members/\(org.bea.id)", ["role": "agent"], bearer: sam)
            #expect(add.status == .ok, "\(add.bodyText)")
            let members = try #require(try add.json()["members"] as? [[String: Any]])
            #expect(members.contains { $0["userId"] as? String == org.bea.id.rawValue && $0["role"] as? String == "agent" })

            let remove = try await api.delete("\(alpha)/members/\(org.art.id)", bearer: sam)
            #expect(remove.status == .ok, "\(remove.bodyText)")
            let remaining = try #require(try remove.json()["members"] as? [[String: Any]])
            #expect(!remaining.contains { $0["userId"] as? String == org.art.id.rawValue })

            // Other teams are out of reach (and invisible).
            expectError(
                try await api.put("/api/v1/teams/\(org.beta.id)/members/\(org.art.id)", ["role": "agent"], bearer: sam),
                .notFound, "not_found")
            expectError(
                try await api.delete("/api/v1/teams/\(org.beta.id)/members/\(org.bea.id)", bearer: sam), .notFound,
                "not_found")

            // Supervisors are appointed and removed by admins only.
            expectError(
                try await api.put("\(alpha)/members/\(org.sue.id)", ["role": "supervisor"], bearer: sam), .forbidden,
                "forbidden")
            expectError(try await api.delete("\(alpha)/members/\(org.sam.id)", bearer: sam), .forbidden, "forbidden")

            // Membership rules.
            expectError(
                try await api.put("\(alpha)/members/\(org.cat.id)", ["role": "agent"], bearer: sam),
                .unprocessableContent, "invalid", field: "userId")
            expectError(
                try await api.put("\(alpha)/members/usr_NOBODY000000000000000000", ["role": "agent"], bearer: sam),
                .unprocessableContent, "unknown_user", field: "userId")
            expectError(
                try await api.put("\(alpha)/members/\(org.ann.id)", ["role": "boss"], bearer: sam),
                .unprocessableContent, "invalid_enum", field: "role")

            // Supervisors do not administer accounts or teams.
            expectError(
                try await api.patch("/api/v1/users/\(org.ann.id)", ["disabled": true], bearer: sam), .forbidden,
                "forbidden")
            expectError(
                try await api.patch("/api/v1/users/\(org.ann.id)", ["role": "supervisor"], bearer: sam), .forbidden,
                "forbidden")
            expectError(try await api.patch(alpha, ["name": "Alpha Prime"], bearer: sam), .forbidden, "forbidden")
            expectError(try await api.post("/api/v1/teams", ["name": "Gamma"], bearer: sam), .forbidden, "forbidden")

            // Sue (Beta) cannot touch Alpha.
            let sue = try await api.login("sue@example.com").accessToken
            expectError(
                try await api.put("\(alpha)/members/\(org.bea.id)", ["role": "agent"], bearer: sue), .notFound,
                "not_found")
        }
    }

    @Test func supervisorCannotDemoteAnotherSupervisor() async throws {
        // Removing a supervisor is admin-only; so is turning one into an agent with PUT.
        let org = try await Org.make()
        var alpha = org.alpha
        alpha.members.append(TeamMember(userID: org.sue.id, role: .supervisor))
        try await org.env.store.updateTeam(alpha)
        try await org.env.run { api in
            let sam = try await api.login("sam@example.com").accessToken
            let uri = "/api/v1/teams/\(org.alpha.id)/members/\(org.sue.id)"
            expectError(try await api.put(uri, ["role": "agent"], bearer: sam), .forbidden, "forbidden")
            expectError(
                try await api.put("/api/v1/teams/\(org.alpha.id)/members/\(org.sam.id)", ["role": "agent"], bearer: sam),
                .forbidden, "forbidden")
            let team = try await api.get("/api/v1/teams/\(org.alpha.id)", bearer: sam)
            let members = try #require(try team.json()["members"] as? [[String: Any]])
            #expect(members.contains { $0["userId"] as? String == org.sue.id.rawValue && $0["role"] as? String == "supervisor" })
            // An admin may.
            let admin = try await api.login("admin@example.com").accessToken
            #expect(try await api.put(uri, ["role": "agent"], bearer: admin).status == .ok)
        }
    }

    @Test func disabledUsersCannotJoinTeams() async throws {
        let org = try await Org.make()
        var disabled = try await org.env.user("dora@example.com", role: .agent)
        disabled.disabled = true
        try await org.env.store.updateUser(disabled)
        let dora = disabled
        try await org.env.run { api in
            let admin = try await api.login("admin@example.com").accessToken
            expectError(
                try await api.put("/api/v1/teams/\(org.alpha.id)/members/\(dora.id)", ["role": "agent"], bearer: admin),
                .unprocessableContent, "invalid", field: "userId")
            expectError(
                try await api.post(
                    "/api/v1/teams", ["name": "Delta", "members": [["userId": dora.id.rawValue, "role": "agent"]]],
                    bearer: admin),
                .unprocessableContent, "invalid", field: "members[0].userId")
        }
    }

    @Test func agentDemotedToCustomerLosesTeamAccess() async throws {
        // Team memberships outlive a role change; the customer role must still reach only their own records.
        let org = try await Org.make()
        try await org.env.run { api in
            let art = try await api.login("art@example.com").accessToken
            #expect(try await api.get("/api/v1/teams/\(org.alpha.id)", bearer: art).status == .ok)
            let admin = try await api.login("admin@example.com").accessToken
            let demote = try await api.patch("/api/v1/users/\(org.art.id)", ["role": "customer"], bearer: admin)
            #expect(demote.status == .ok)
            expectError(try await api.get("/api/v1/teams/\(org.alpha.id)", bearer: art), .notFound, "not_found")
            expectError(try await api.get("/api/v1/users/\(org.ann.id)", bearer: art), .notFound, "not_found")
            expectError(try await api.get("/api/v1/teams", bearer: art), .forbidden, "forbidden")
        }
    }

    @Test func supervisorWhoIsOnlyAnAgentOfATeamCannotManageIt() async throws {
        let org = try await Org.make()
        let gamma = try await org.env.team("Gamma", [(org.sue, .agent), (org.bea, .agent)])
        try await org.env.run { api in
            let sue = try await api.login("sue@example.com").accessToken
            #expect(try await api.get("/api/v1/teams/\(gamma.id)", bearer: sue).status == .ok)
            expectError(
                try await api.delete("/api/v1/teams/\(gamma.id)/members/\(org.bea.id)", bearer: sue), .forbidden,
                "forbidden")
        }
    }

    @Test func adminDoesEverything() async throws {
        let org = try await Org.make()
        try await org.env.run { api in
            let admin = try await api.login("admin@example.com").accessToken
            let all = try await api.get("/api/v1/users", bearer: admin)
            #expect(all.status == .ok)
            #expect(try ids(all) == Set(org.everyone.map(\.id.rawValue)))
            #expect(try await api.get("/api/v1/users/\(org.bea.id)", bearer: admin).status == .ok)

            let created = try await api.post(
                "/api/v1/users", ["email": "Dan@Example.com", "name": "Dan", "password": goodPassword, "role": "agent"],
                bearer: admin)
            #expect(created.status == .created, "\(created.bodyText)")
            let dan = try #require(try created.json()["id"] as? String)
            #expect(created.headers[.location] == "/api/v1/users/\(dan)")
            #expect(try created.json()["email"] as? String == "dan@example.com")
            #expect(created.bodyText.contains("password") == false)

            let promote = try await api.patch("/api/v1/users/\(dan)", ["role": "supervisor"], bearer: admin)
            #expect(try promote.json()["role"] as? String == "supervisor")

            let team = try await api.post(
                "/api/v1/teams", ["name": "Gamma", "members": [["userId": dan, "role": "supervisor"]]], bearer: admin)
            #expect(team.status == .created, "\(team.bodyText)")
            let gamma = try #require(try team.json()["id"] as? String)
            #expect(team.headers[.location] == "/api/v1/teams/\(gamma)")
            let appoint = try await api.put(
                "/api/v1/teams/\(gamma)/members/\(org.sam.id)", ["role": "supervisor"], bearer: admin)
            #expect(appoint.status == .ok)
            let rename = try await api.patch("/api/v1/teams/\(gamma)", ["name": "Gamma Prime"], bearer: admin)
            #expect(try rename.json()["name"] as? String == "Gamma Prime")
            let teams = try await api.get("/api/v1/teams", bearer: admin)
            #expect(try ids(teams) == [org.alpha.id.rawValue, org.beta.id.rawValue, gamma])

            let disable = try await api.patch("/api/v1/users/\(org.cat.id)", ["disabled": true], bearer: admin)
            #expect(disable.status == .ok)
            let disabled = try await api.get("/api/v1/users?disabled=true", bearer: admin)
            #expect(try ids(disabled) == [org.cat.id.rawValue])

            // Not even an admin can lock themselves out.
            expectError(
                try await api.patch("/api/v1/users/\(org.admin.id)", ["disabled": true], bearer: admin),
                .unprocessableContent, "invalid", field: "disabled")
        }
    }

    @Test func policyDecisionsFollowTheUsersCurrentMembership() async throws {
        // Membership is read per request: removing an agent takes effect on their next request.
        let org = try await Org.make()
        try await org.env.run { api in
            let art = try await api.login("art@example.com").accessToken
            #expect(try await api.get("/api/v1/teams/\(org.alpha.id)", bearer: art).status == .ok)
            let admin = try await api.login("admin@example.com").accessToken
            #expect(try await api.delete("/api/v1/teams/\(org.alpha.id)/members/\(org.art.id)", bearer: admin).status == .ok)
            expectError(try await api.get("/api/v1/teams/\(org.alpha.id)", bearer: art), .notFound, "not_found")
        }
    }
}
