// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

/// Field rules shared by the API, the WebSocket protocol and the CLI.
@Suite struct ValidatorsTests {
    /// The validation error `body` throws, or nil.
    private func error(_ body: () throws -> Void) -> ValidationError? {
        do {
            try body()
            return nil
        } catch let failure as ValidationError {
            return failure
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    // MARK: Names

    @Test func namesAreTrimmed() throws {
        #expect(try Validators.name("  Ada Lovelace \n") == "Ada Lovelace")
        #expect(try Validators.name(String(repeating: "é", count: 120)).count == 120)
    }

    @Test func emptyNamesAreRequired() {
        for value in ["", "   ", "\n\t"] {
            let failure = error { _ = try Validators.name(value) }
            #expect(failure?.code == "required")
            #expect(failure?.field == "name")
        }
    }

    @Test func longNamesAreTooLong() {
        let failure = error { _ = try Validators.name(String(repeating: "n", count: 121), field: "teamName") }
        #expect(failure?.code == "too_long")
        #expect(failure?.field == "teamName")
        #expect(failure?.message.contains("120") == true)
        // Counted in Unicode scalars: a decomposed "é" is two.
        let decomposed = String(repeating: "e\u{301}", count: 61)
        #expect(error { _ = try Validators.name(decomposed) }?.code == "too_long")
        #expect(error { _ = try Validators.name(String(repeating: "n", count: 10), maxLength: 9) }?.code == "too_long")
    }

    @Test func controlCharactersAreInvalid() {
        for value in ["Ada\u{0}Lovelace", "Ada\nLovelace", "Ada\tL", "Bell\u{7}"] {
            #expect(error { _ = try Validators.name(value) }?.code == "invalid", "\(value.debugDescription)")
        }
    }

    // MARK: E-mail

    @Test(arguments: [
        ("ada@example.com", "ada@example.com"),
        ("  Ada.Lovelace+desk@Example.CO.uk ", "ada.lovelace+desk@example.co.uk"),
        ("o'brien@mail-server.example.org", "o'brien@mail-server.example.org"),
        ("x@a.b", "x@a.b"),
    ])
    func validEmailsAreNormalised(input: String, expected: String) throws {
        #expect(try Validators.email(input) == expected)
    }

    @Test(arguments: [
        "", "   ", "plainaddress", "@example.com", "ada@", "ada@example", "ada@@example.com", "a@b@example.com",
        "ada@example..com", "ada@.example.com", "ada@example.com.", "ada lovelace@example.com", "ada@exa mple.com",
        "ada@-example.com", "ada@example-.com", "ada@exam_ple.com", "ädä@example.com", "ada@exämple.com",
        "ada<script>@example.com", "\(String(repeating: "a", count: 65))@example.com",
        "ada@\(String(repeating: "a", count: 64)).com",
        "ada@\(String(repeating: "abcdefghi.", count: 25))com",
    ])
    func invalidEmailsAreRefused(input: String) {
        let failure = error { _ = try Validators.email(input) }
        #expect(failure?.code == "invalid_email", "\(input)")
        #expect(failure?.field == "email")
    }

    @Test func emailLengthLimitsAreInclusive() throws {
        let local = String(repeating: "a", count: 64)
        #expect(try Validators.email("\(local)@example.com").hasPrefix(local))
        let label = String(repeating: "b", count: 63)
        #expect(try Validators.email("x@\(label).com").contains(label))
        #expect(error { _ = try Validators.email("nope", field: "contact") }?.field == "contact")
    }

    // MARK: Passwords

    @Test func passwordLengthRules() throws {
        try Validators.password("abcdefghijk1")  // 12
        try Validators.password(String(repeating: "abcdefgh", count: 9))  // 72
        let short = error { try Validators.password("abcdefghij1") }  // 11
        #expect(short?.code == "too_short")
        #expect(short?.field == "password")
        #expect(short?.message.contains("12") == true)
        #expect(error { try Validators.password(String(repeating: "abcdefgh", count: 9) + "x") }?.code == "too_long")
        // bcrypt reads 72 bytes: 40 two-byte characters are refused, not truncated.
        #expect(error { try Validators.password(String(repeating: "éàüö", count: 10)) }?.code == "too_long")
        #expect(error { try Validators.password("", field: "newPassword") }?.field == "newPassword")
    }

    @Test func repetitivePasswordsAreTooWeak() {
        for value in ["aaaaaaaaaaaa", "abababababab", "abcabcabcabc"] {
            #expect(error { try Validators.password(value) }?.code == "too_weak", "\(value)")
        }
        #expect(error { try Validators.password("abcdabcdabcd") } == nil)
    }

    @Test func passwordsMustNotContainTheNameOrEmail() {
        let email = "grace.hopper@example.com"
        let failures = [
            error { try Validators.password("my grace.hopper secret", email: email) },
            error { try Validators.password("xx GRACE.HOPPER@EXAMPLE.COM", email: email) },
            error { try Validators.password("i am Grace Hopper!!", name: "Grace Hopper") },
        ]
        for failure in failures {
            #expect(failure?.code == "too_weak")
        }
        // Very short names and local parts are not held against the password.
        #expect(error { try Validators.password("bo-is-my-favourite", email: "bo@example.com", name: "Bo") } == nil)
    }

    // MARK: Enums

    enum Colour: String, CaseIterable { case red, green }

    @Test func oneOfAcceptsCasesAndNamesTheChoices() throws {
        #expect(try Validators.oneOf("red", as: Colour.self, field: "colour") == .red)
        let failure = error { _ = try Validators.oneOf("Red", as: Colour.self, field: "colour") }
        #expect(failure?.code == "invalid_enum")
        #expect(failure?.field == "colour")
        #expect(failure?.message.contains("red, green") == true)
        #expect(error { _ = try Validators.oneOf("", as: Colour.self, field: "colour") }?.code == "invalid_enum")
    }

    @Test func trimmingWhitespace() {
        #expect("  a b \n".trimmingWhitespace() == "a b")
        #expect("\u{00A0}x\u{2003}".trimmingWhitespace() == "x")
        #expect(" \t\n".trimmingWhitespace() == "")
        #expect("x".trimmingWhitespace() == "x")
    }
}
