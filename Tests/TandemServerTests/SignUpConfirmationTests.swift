// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HummingbirdTesting
import TandemCore
import TandemStore
import TandemTestSupport
import Testing

@testable import TandemServer

/// Sign-up by confirmation link (issue 11, finding 3), over real sockets with the real SMTP
/// server of `scripts/test.sh`: the link is read out of the message the server received.
@Suite(.enabled(if: SMTPSink.enabled)) struct SignUpConfirmationTests {
    /// A node that sends its mail to the sink, looking for due mail every 50 ms.
    static func environment(_ configure: @escaping (inout TandemConfiguration) -> Void = { _ in }) async throws -> TestEnvironment
    {
        let url = try SMTPSink.requireURL()
        return try await TestEnvironment.make {
            $0.mail.smtpURL = url
            $0.mail.tls = "none"
            $0.mail.pollMilliseconds = 50
            $0.mail.from = "help@tandem.example"
            $0.mail.publicURL = "https://help.tandem.example"
            $0.auth.maxFailedLoginsPerAddress = 1000
            configure(&$0)
        }
    }

    @Test func aNewAndARegisteredAddressGetTheSameAnswer() async throws {
        let env = try await Self.environment()
        let registered = SMTPSink.uniqueAddress("owner")
        let fresh = SMTPSink.uniqueAddress("newcomer")
        try await env.user(registered, name: "Owner Of It")
        try await env.run { api in
            var registeredTimes: [Duration] = []
            var freshTimes: [Duration] = []
            var bodies: Set<String> = []
            // Alternating, each address three times (the per-address limit): the same status,
            // the same bytes, and no telling time apart.
            for round in 0..<3 {
                for (email, isFresh) in [(registered, false), (fresh, true)] {
                    let start = ContinuousClock.now
                    let response = try await api.post("/api/v1/auth/signup", ["email": email, "name": "Round \(round)"])
                    let took = ContinuousClock.now - start
                    #expect(response.status == .accepted, "\(response.bodyText)")
                    #expect(response.headers[.cacheControl] == "no-store")
                    bodies.insert(response.bodyText)
                    if isFresh { freshTimes.append(took) } else { registeredTimes.append(took) }
                }
            }
            #expect(bodies.count == 1, "the answers differ: \(bodies)")
            // Both paths read the user once and write one outbox entry: their times are of one
            // kind. (Generous: the machine is shared; a bcrypt hash on one path would be ~100×.)
            let slow = max(registeredTimes.min()!, freshTimes.min()!)
            let quick = min(registeredTimes.min()!, freshTimes.min()!)
            #expect(slow < quick * 5 + .milliseconds(50), "registered \(registeredTimes), new \(freshTimes)")

            // What differs is only what each mailbox receives.
            let toOwner = try await SMTPSink.waitForMessages(to: registered, count: 3)
            let owner = toOwner[0].parsed
            #expect(owner.header("Subject") == "You already have a Tandem account")
            #expect(owner.text?.contains("https://help.tandem.example/login") == true)
            #expect(owner.text.flatMap(SignUpLink.token(in:)) == nil)
            let toNewcomer = try await SMTPSink.waitForMessages(to: fresh, count: 3)
            let newcomer = toNewcomer[0].parsed
            #expect(newcomer.header("Subject") == "Confirm your e-mail address for Tandem")
            #expect(newcomer.text.flatMap(SignUpLink.token(in:)) != nil)
            #expect(newcomer.html?.contains("https://help.tandem.example/signup/confirm#token=") == true)
            #expect(newcomer.contentType == "multipart/alternative")
            #expect(newcomer.header("Auto-Submitted") == "auto-generated")
            #expect(newcomer.header("From") == "Tandem <help@tandem.example>")
            // Each message has an id of its own, named after its outbox entry.
            let ids = Set(toNewcomer.compactMap { $0.parsed.header("Message-ID") })
            #expect(ids.count == 3)
            #expect(ids.allSatisfy { $0.hasPrefix("<mail_") && $0.hasSuffix("@tandem.example>") })
            #expect(try await env.store.user(email: fresh) == nil)
        }
    }

    @Test func theLinkInTheMailCreatesTheAccountOnceAndSignsIn() async throws {
        let env = try await Self.environment()
        let email = SMTPSink.uniqueAddress("zoe")
        try await env.run { api in
            let asked = try await api.post("/api/v1/auth/signup", ["email": email.uppercased(), "name": "Zoë Ågren"])
            #expect(asked.status == .accepted, "\(asked.bodyText)")
            let mail = try #require(try await SMTPSink.waitForMessages(to: email).first)
            #expect(mail.parsed.header("To") == "Zoë Ågren <\(email)>")
            let token = try #require(mail.parsed.text.flatMap(SignUpLink.token(in:)), "no link in \(mail.data)")

            let checked = try await api.post("/api/v1/auth/signup/check", ["token": token])
            #expect(checked.status == .ok, "\(checked.bodyText)")
            #expect(try checked.json()["email"] as? String == email)
            #expect(try checked.json()["name"] as? String == "Zoë Ågren")

            let confirmed = try await api.post(
                "/api/v1/auth/signup/confirm", ["token": token, "password": goodPassword, "session": "cookie"])
            #expect(confirmed.status == .created, "\(confirmed.bodyText)")
            let session = try CookieSession(confirmed)
            let me = try await api.get("/api/v1/auth/me", cookies: session)
            #expect(try me.json()["email"] as? String == email)
            #expect(try me.json()["role"] as? String == "customer")
            _ = try await api.login(email)

            // Single use: the account exists now, so the link is spent.
            let again = try await api.post(
                "/api/v1/auth/signup/confirm", ["token": token, "password": "another-good-passphrase-7"])
            expectError(again, .conflict, "signup_token_used", field: "token")
            expectError(
                try await api.post("/api/v1/auth/signup/check", ["token": token]), .conflict, "signup_token_used", field: "token")
            // And the password of the account did not change.
            _ = try await api.login(email)
        }
    }

    @Test func forgedAlteredAndExpiredLinksAreRefused() async throws {
        let env = try await Self.environment()
        let email = SMTPSink.uniqueAddress("forge")
        try await env.run { api in
            let asked = try await api.post("/api/v1/auth/signup", ["email": email, "name": "Forge"])
            #expect(asked.status == .accepted)
            let mail = try #require(try await SMTPSink.waitForMessages(to: email).first)
            let token = try #require(mail.parsed.text.flatMap(SignUpLink.token(in:)))

            // Made with another server's secret, naming an address the forger does not read.
            let forged = try SignUpToken(
                email: SMTPSink.uniqueAddress("victim"), name: "Victim",
                expiresAt: env.clock.now().adding(seconds: 3600)
            ).sealed(with: SignUpToken.key(secret: "another-server-secret-of-at-least-32-bytes"))
            // The real token with its payload changed (another address) under the real MAC.
            let parts = token.split(separator: ".")
            var payload = try #require(
                try JSONSerialization.jsonObject(with: Base64URLForTests.decode(String(parts[0]))) as? [String: Any])
            payload["e"] = SMTPSink.uniqueAddress("victim")
            let altered = Base64URLForTests.encode(try JSONSerialization.data(withJSONObject: payload)) + "." + parts[1]
            for bad in [forged, altered, "not-a-token", token + "x", String(token.dropLast(3)), ""] {
                let refused = try await api.post("/api/v1/auth/signup/confirm", ["token": bad, "password": goodPassword])
                expectError(refused, .badRequest, "signup_token_invalid", field: "token")
            }
            // Past its lifetime the real one is refused as expired, with nothing created.
            env.clock.advance(seconds: Int64(env.configuration.mail.signUpLinkSeconds) + 1)
            let expired = try await api.post("/api/v1/auth/signup/confirm", ["token": token, "password": goodPassword])
            expectError(expired, .gone, "signup_token_expired", field: "token")
            #expect(try await env.store.user(email: email) == nil)
        }
    }
}

/// base64url without padding, for taking a token apart in a test.
enum Base64URLForTests {
    static func decode(_ text: String) -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64) ?? Data()
    }

    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
