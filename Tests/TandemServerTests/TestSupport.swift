// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Synchronization
import TandemApp
import TandemCore
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

@testable import TandemServer

// MARK: - Clock

/// A clock that stands still until a test moves it. Starts at the wall-clock time,
/// so that JWTs (which jwt-kit checks against the real time) and sessions agree.
final class TestClock: TandemClock {
    private let millis: Mutex<Int64>

    init(start: Timestamp = SystemClock().now()) {
        millis = Mutex(start.millisecondsSince1970)
    }

    func now() -> Timestamp {
        Timestamp(millisecondsSince1970: millis.withLock { $0 })
    }

    func advance(seconds: Int64) {
        millis.withLock { $0 += seconds * 1000 }
    }
}

// MARK: - Environment

/// bcrypt cost for tests: `TANDEM_TEST_BCRYPT_COST`, else 4 (the minimum).
let testBcryptCost = ProcessInfo.processInfo.environment["TANDEM_TEST_BCRYPT_COST"].flatMap(Int.init) ?? 4

/// A password that passes every rule.
let goodPassword = "violet-harbour-lantern-42"

/// One Tandem node over its own temporary SQLite store, with a controllable clock.
struct TestEnvironment: Sendable {
    var dependencies: TandemDependencies
    let clock: TestClock
    var store: any TandemStore { dependencies.store }
    var configuration: TandemConfiguration { dependencies.configuration }

    /// The configuration every test starts from: embedded defaults, port 0, cost-4 bcrypt,
    /// a web root without a built client.
    static func baseConfiguration() -> TandemConfiguration {
        var configuration = TandemConfiguration()
        configuration.http.host = "127.0.0.1"
        configuration.http.port = 0
        configuration.auth.bcryptCost = testBcryptCost
        configuration.web.root =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("tandem-no-web-\(UUID().uuidString)").path
        // Public replies are visible at once unless a test sets an undo window.
        configuration.replies.undoMilliseconds = 0
        return configuration
    }

    /// `logs`, when given, receives every log line of `.notice` and above; `wrap` may put the
    /// store behind another one (for example a ``ControlledStore``).
    static func make(
        logs: LogRecorder? = nil, _ configure: (inout TandemConfiguration) -> Void = { _ in },
        wrap: (any TandemStore) -> any TandemStore = { $0 }
    ) async throws -> TestEnvironment {
        var configuration = baseConfiguration()
        configure(&configuration)
        var logger =
            logs.map { recorder in Logger(label: "tandem.test") { _ in recorder.handler() } } ?? Logger(label: "tandem.test")
        logger.logLevel = logs == nil ? .critical : .notice
        let store = wrap(try SQLiteStore.temporary(logger: logger))
        try await store.migrate()
        let clock = TestClock()
        let throttle = InMemoryLoginThrottle(
            maxPerAccount: configuration.auth.maxFailedLoginsPerAccount,
            maxPerAddress: configuration.auth.maxFailedLoginsPerAddress,
            windowSeconds: configuration.auth.failedLoginWindowSeconds)
        let dependencies = TandemDependencies(
            configuration: configuration, store: store, clock: clock, throttle: throttle,
            registry: PrometheusCollectorRegistry(), logger: logger)
        return TestEnvironment(dependencies: dependencies, clock: clock)
    }

    /// Creates a user directly through the auth service (fixtures, not the thing under test).
    @discardableResult
    func user(
        _ email: String, role: Role = .customer, name: String? = nil, password: String = goodPassword
    ) async throws -> User {
        let name = name ?? email.split(separator: "@").first.map { String($0).capitalized + " Tester" } ?? "Tester"
        return try await dependencies.server.authService().createUser(email: email, name: name, password: password, role: role)
    }

    /// The outbox entries addressed to `email`, oldest first.
    func outbox(to email: String) async throws -> [OutboxEntry] {
        Array(
            try await store.outbox(state: nil, page: PageRequest(limit: 200)).items
                .filter { $0.message.to.address.caseInsensitiveCompare(email) == .orderedSame }.reversed())
    }

    /// Asks for an account (`POST /auth/signup`, which must answer 202) and returns the token of
    /// the confirmation link the outbox holds for it (read from the message's text).
    func signUpToken(_ api: APIClient, email: String, name: String, confirmingAs address: String? = nil) async throws -> String {
        let response = try await api.post("/api/v1/auth/signup", ["email": email, "name": name])
        try #require(response.status == .accepted, "\(response.bodyText)")
        return try await latestSignUpToken(for: address ?? email)
    }

    /// The token in the newest confirmation link sent to `email`.
    func latestSignUpToken(for email: String) async throws -> String {
        let entry = try #require(
            try await outbox(to: email).last { $0.kind == "signup.confirm" }, "no confirmation mail for \(email)")
        return try #require(SignUpLink.token(in: entry.message.text), "no link in: \(entry.message.text)")
    }

    /// Signs up through the link (request, then confirm with `password`); returns the confirm response.
    func signUp(
        _ api: APIClient, email: String, name: String, password: String, session: String = "token",
        confirmingAs address: String? = nil
    ) async throws -> TestResponse {
        let token = try await signUpToken(api, email: email, name: name, confirmingAs: address)
        return try await api.post("/api/v1/auth/signup/confirm", ["token": token, "password": password, "session": session])
    }

    /// Confirms the newest link sent to `email`.
    func confirmSignUp(_ api: APIClient, email: String, password: String) async throws -> TestResponse {
        let token = try await latestSignUpToken(for: email)
        return try await api.post("/api/v1/auth/signup/confirm", ["token": token, "password": password])
    }

    /// Creates a team directly in the store.
    @discardableResult
    func team(_ name: String, _ members: [(User, TeamRole)] = []) async throws -> Team {
        let now = clock.now()
        let team = Team(
            id: IdentifierGenerator().make("team", at: UInt64(now.millisecondsSince1970)), name: name,
            members: members.map { TeamMember(userID: $0.0.id, role: $0.1) }, createdAt: now, updatedAt: now)
        try await store.createTeam(team)
        return team
    }

    /// Runs `body` against the real application. `.live` binds a real socket on port 0.
    /// The store is closed when the application shuts down.
    func run<Value: Sendable>(
        _ setup: TestingSetup = .live, _ body: @escaping @Sendable (APIClient) async throws -> Value
    ) async throws -> Value {
        let app = try await TandemApplication.build(dependencies)
        return try await app.test(setup) { client in try await body(APIClient(client: client)) }
    }
}

// MARK: - Client

/// A thin JSON client over Hummingbird's test client.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    /// The server's port, over a live socket.
    var port: Int? { client.port }

    /// Sends a request. `json` is serialised with `Content-Type: application/json`;
    /// `raw` is sent as is (with `headers` as given).
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: [String: any Sendable]? = nil, raw: String? = nil,
        headers: HTTPFields = [:], bearer: String? = nil, cookies: CookieSession? = nil, csrf: String? = nil
    ) async throws -> TestResponse {
        var headers = headers
        var body: ByteBuffer?
        if let json {
            let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
            body = ByteBuffer(bytes: data)
            if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        } else if let raw {
            body = ByteBuffer(string: raw)
        }
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if let cookies { headers[.cookie] = cookies.cookieHeader }
        if let csrf { headers[.csrfToken] = csrf }
        return try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }

    func get(
        _ uri: String, bearer: String? = nil, cookies: CookieSession? = nil, headers: HTTPFields = [:]
    )
        async throws -> TestResponse
    {
        try await send(.get, uri, headers: headers, bearer: bearer, cookies: cookies)
    }

    func post(
        _ uri: String, _ json: [String: any Sendable]? = nil, bearer: String? = nil, cookies: CookieSession? = nil,
        csrf: String? = nil
    ) async throws -> TestResponse {
        try await send(.post, uri, json: json, bearer: bearer, cookies: cookies, csrf: csrf)
    }

    func patch(
        _ uri: String, _ json: [String: any Sendable], bearer: String? = nil, cookies: CookieSession? = nil,
        csrf: String? = nil
    ) async throws -> TestResponse {
        try await send(.patch, uri, json: json, bearer: bearer, cookies: cookies, csrf: csrf)
    }

    func put(_ uri: String, _ json: [String: any Sendable], bearer: String) async throws -> TestResponse {
        try await send(.put, uri, json: json, bearer: bearer)
    }

    func delete(_ uri: String, bearer: String) async throws -> TestResponse {
        try await send(.delete, uri, bearer: bearer)
    }

    // MARK: Sessions

    /// Logs in in token mode; fails the test unless it answers 200.
    func login(
        _ email: String, _ password: String = goodPassword, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TokenSession {
        let response = try await post("/api/v1/auth/login", ["email": email, "password": password])
        #expect(response.status == .ok, "login of \(email): \(response.bodyText)", sourceLocation: sourceLocation)
        return try TokenSession(response)
    }

    /// Logs in in cookie (browser) mode; fails the test unless it answers 200.
    func loginWithCookies(
        _ email: String, _ password: String = goodPassword, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CookieSession {
        let response = try await post(
            "/api/v1/auth/login", ["email": email, "password": password, "session": "cookie"])
        #expect(response.status == .ok, "cookie login of \(email): \(response.bodyText)", sourceLocation: sourceLocation)
        return try CookieSession(response)
    }
}

/// What a token-mode sign-in returns.
struct TokenSession: Sendable {
    var userID: String
    var accessToken: String
    var refreshToken: String

    init(_ response: TestResponse) throws {
        let json = try response.json()
        let user = try #require(json["user"] as? [String: Any])
        userID = try #require(user["id"] as? String)
        accessToken = try #require(json["accessToken"] as? String)
        refreshToken = try #require(json["refreshToken"] as? String)
    }
}

/// What a cookie-mode sign-in returns: the cookies a browser would keep.
struct CookieSession: Sendable {
    var userID: String
    var sessionCookie: String
    var csrfCookie: String
    /// The CSRF token from the body (the same value as the CSRF cookie).
    var csrfToken: String

    init(_ response: TestResponse) throws {
        let json = try response.json()
        let user = try #require(json["user"] as? [String: Any])
        userID = try #require(user["id"] as? String)
        csrfToken = try #require(json["csrfToken"] as? String)
        let cookies = response.setCookies
        sessionCookie = try #require(cookies["tandem_session"]?.value)
        csrfCookie = try #require(cookies["tandem_csrf"]?.value)
    }

    init(userID: String, sessionCookie: String, csrfCookie: String, csrfToken: String) {
        self.userID = userID
        self.sessionCookie = sessionCookie
        self.csrfCookie = csrfCookie
        self.csrfToken = csrfToken
    }

    var cookieHeader: String { "tandem_session=\(sessionCookie); tandem_csrf=\(csrfCookie)" }
}

// MARK: - Responses

/// One `Set-Cookie` header, parsed.
struct SetCookie: Sendable {
    var name: String
    var value: String
    /// Attribute names lower-cased, values as sent (`""` for flags).
    var attributes: [String: String]

    init?(_ header: String) {
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, let equals = first.firstIndex(of: "=") else { return nil }
        name = String(first[..<equals])
        value = String(first[first.index(after: equals)...])
        var attributes: [String: String] = [:]
        for part in parts.dropFirst() {
            if let equals = part.firstIndex(of: "=") {
                attributes[part[..<equals].lowercased()] = String(part[part.index(after: equals)...])
            } else {
                attributes[part.lowercased()] = ""
            }
        }
        self.attributes = attributes
    }

    func has(_ attribute: String) -> Bool { attributes[attribute.lowercased()] != nil }
    subscript(_ attribute: String) -> String? { attributes[attribute.lowercased()] }
}

extension TestResponse {
    var bodyText: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body))
        return try #require(object as? [String: Any], "not a JSON object: \(bodyText)")
    }

    /// The `error` object of an error response, or nil.
    var error: [String: Any]? { (try? json())?["error"] as? [String: Any] }
    var errorCode: String? { error?["code"] as? String }
    var errorField: String? { error?["field"] as? String }
    var errorMessage: String? { error?["message"] as? String }

    /// `items` of a page, and its `nextCursor`.
    func page() throws -> (items: [[String: Any]], next: String?) {
        let json = try json()
        return (try #require(json["items"] as? [[String: Any]]), json["nextCursor"] as? String)
    }

    /// Set-Cookie headers by cookie name.
    var setCookies: [String: SetCookie] {
        var cookies: [String: SetCookie] = [:]
        for header in headers[values: .setCookie] {
            if let cookie = SetCookie(header) { cookies[cookie.name] = cookie }
        }
        return cookies
    }
}

/// Asserts an error response: status, `error.code` and, when given, `error.field`;
/// and that the body is the documented envelope.
func expectError(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String, field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "body: \(response.bodyText)", sourceLocation: sourceLocation)
    #expect(response.errorCode == code, "body: \(response.bodyText)", sourceLocation: sourceLocation)
    if let field {
        #expect(response.errorField == field, "body: \(response.bodyText)", sourceLocation: sourceLocation)
    }
    #expect(
        (response.errorMessage ?? "").isEmpty == false, "error.message missing: \(response.bodyText)",
        sourceLocation: sourceLocation)
    #expect(
        response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
}

extension String {
    /// Percent-encodes for a query string value.
    var queryEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? self
    }
}

// MARK: - WebSocket handshakes

/// Sends a WebSocket upgrade request for `path` on a fresh connection and returns the response
/// (the head and, for a refusal, its body). `authority` is the `Host` header; `origin` the
/// `Origin` header, if any.
func webSocketUpgrade(
    port: Int, origin: String?, authority: String? = nil, path: String = "/ws", headers extra: HTTPFields = [:]
) async throws -> TestClient.Response {
    let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10)))
    client.connect()
    defer { Task { try? await client.shutdown() } }
    var headers: HTTPFields = [
        .connection: "Upgrade", .upgrade: "websocket", .secWebSocketVersion: "13",
        .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==", .secWebSocketProtocol: "tandem.v1",
    ]
    if let origin { headers[.origin] = origin }
    headers.append(contentsOf: extra)
    return try await client.execute(
        TestClient.Request(path, method: .get, authority: authority ?? "127.0.0.1:\(port)", headers: headers))
}

// MARK: - Sign-up links

/// Reads the confirmation link out of a message's text: `…/signup/confirm#token=<token>`.
enum SignUpLink {
    static func token(in text: String) -> String? {
        guard let start = text.range(of: "/signup/confirm#token=") else { return nil }
        let token = text[start.upperBound...].prefix { !$0.isWhitespace && $0 != "\"" && $0 != "<" }
        return token.isEmpty ? nil : String(token)
    }
}
