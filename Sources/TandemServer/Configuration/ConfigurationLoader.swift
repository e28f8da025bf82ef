// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Configuration
import TandemSchedule
import SystemPackage

/// Reads a ``TandemConfiguration`` from flags, environment and a JSON file,
/// and checks every value, naming the key of the first one that is wrong.
///
/// Built on swift-configuration's providers; unlike `ConfigReader`'s lenient
/// getters, a present value of the wrong type is an error, never a silent default.
public struct ConfigurationLoader: Sendable {
    /// The providers, highest priority first.
    private let providers: [any ConfigProvider]
    /// Keys given explicitly (flags, the JSON file): each must be one ``load()`` reads,
    /// so that a typo is an error instead of a silently ignored setting.
    private let givenKeys: [String]
    /// Every key ``load()`` looked up.
    private let readKeys = KeyLog()

    /// A loader over explicit providers (tests); `givenKeys` are checked as above.
    public init(providers: [any ConfigProvider], givenKeys: [String] = []) {
        self.providers = providers
        self.givenKeys = givenKeys
    }

    /// The standard sources: `overrides` (from flags, as `key=value`), `TANDEM_*`
    /// variables from `environment`, then the JSON file at `filePath` if it exists.
    public static func standard(
        overrides: [String: String] = [:],
        environment: [String: String],
        filePath: String?
    ) async throws -> ConfigurationLoader {
        var providers: [any ConfigProvider] = []
        if !overrides.isEmpty {
            var flags: [String: String] = [:]
            for (key, value) in overrides { flags[ConfigurationError.environmentName(of: key)] = value }
            providers.append(EnvironmentVariablesProvider(environmentVariables: flags))
        }
        providers.append(EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "tandem"))
        if let filePath {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(filePath), allowMissing: false))
            } catch {
                throw ConfigurationError(key: "config", message: "cannot read \(filePath): \(error)")
            }
        }
        let fileKeys = filePath.map(JSONKeys.keys(inFileAt:)) ?? []
        return ConfigurationLoader(providers: providers, givenKeys: overrides.keys.sorted() + fileKeys)
    }

    /// Every setting, as the loader reads it (with the defaults of development mode).
    static var settings: [SettingDescriptor] {
        let loader = ConfigurationLoader(providers: [])
        _ = try? loader.loadValues()
        return loader.readKeys.settings
    }

    /// Reads and validates every setting.
    public func load() throws(ConfigurationError) -> TandemConfiguration {
        let c = try loadValues()
        let known = readKeys.keys
        if let unknown = givenKeys.first(where: { !known.contains($0) }) {
            throw ConfigurationError(key: unknown, message: "is not a setting (Config/README.md lists them all).")
        }
        return c
    }

    private func loadValues() throws(ConfigurationError) -> TandemConfiguration {
        var c = TandemConfiguration()
        c.mode = try oneOf("mode", default: c.mode)
        let production = c.mode == .production

        c.http.host = try string("http.host", default: c.http.host)
        c.http.port = try int("http.port", default: c.http.port, in: 0...65535)
        c.http.maxBodyBytes = try int("http.maxBodyBytes", default: c.http.maxBodyBytes, in: 1024...(64 << 20))
        c.http.allowedOrigins = try stringArray("http.allowedOrigins", default: c.http.allowedOrigins)
        for origin in c.http.allowedOrigins where !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) {
            throw ConfigurationError(key: "http.allowedOrigins", message: "\"\(origin)\" must start with http:// or https://")
        }

        c.http.idleTimeoutSeconds = try int("http.idleTimeoutSeconds", default: c.http.idleTimeoutSeconds, in: 1...3600)
        c.http.headTimeoutSeconds = try int("http.headTimeoutSeconds", default: c.http.headTimeoutSeconds, in: 1...300)
        c.http.bodyTimeoutSeconds = try int("http.bodyTimeoutSeconds", default: c.http.bodyTimeoutSeconds, in: 1...3600)
        c.http.maxHeadBytes = try int("http.maxHeadBytes", default: c.http.maxHeadBytes, in: 1024...(80 << 10))
        c.http.maxRequestsPerConnection = try int(
            "http.maxRequestsPerConnection", default: c.http.maxRequestsPerConnection, in: 1...1_000_000)
        c.http.backlog = try int("http.backlog", default: c.http.backlog, in: 1...65535)
        c.http.trustedProxies = try stringArray("http.trustedProxies", default: c.http.trustedProxies)
        for proxy in c.http.trustedProxies where ClientAddress.normalized(proxy) == nil {
            throw ConfigurationError(key: "http.trustedProxies", message: "\"\(proxy)\" is not an IP address.")
        }

        c.live.maxMessageBytes = try int("live.maxMessageBytes", default: c.live.maxMessageBytes, in: 1024...(16 << 20))
        c.live.maxSubscriptions = try int("live.maxSubscriptions", default: c.live.maxSubscriptions, in: 1...10_000)
        c.live.heartbeatSeconds = try int("live.heartbeatSeconds", default: c.live.heartbeatSeconds, in: 1...300)
        c.live.opsPerSecond = try int("live.opsPerSecond", default: c.live.opsPerSecond, in: 1...100_000)
        c.live.opsBurst = try int("live.opsBurst", default: c.live.opsBurst, in: 1...1_000_000)
        c.live.maxConnectionsPerUser = try int(
            "live.maxConnectionsPerUser", default: c.live.maxConnectionsPerUser, in: 0...1_000_000)
        c.live.outboundBudgetBytes = try int(
            "live.outboundBudgetBytes", default: c.live.outboundBudgetBytes, in: (1 << 20)...(1 << 40))

        c.actors.node = try string("actors.node", default: c.actors.node)
        guard !c.actors.node.isEmpty, c.actors.node.utf8.count <= 64, !c.actors.node.contains("/") else {
            throw ConfigurationError(key: "actors.node", message: "must be 1 to 64 characters without '/'.")
        }
        c.actors.idleSeconds = try int("actors.idleSeconds", default: c.actors.idleSeconds, in: 1...86_400)
        c.actors.snapshotEveryOps = try int("actors.snapshotEveryOps", default: c.actors.snapshotEveryOps, in: 1...1_000_000)
        c.actors.snapshotIntervalMilliseconds = try int(
            "actors.snapshotIntervalMilliseconds", default: c.actors.snapshotIntervalMilliseconds, in: 10...3_600_000)
        c.actors.maxTextScalars = try int("actors.maxTextScalars", default: c.actors.maxTextScalars, in: 1024...(16 << 20))

        c.replies.undoMilliseconds = try int("replies.undoMilliseconds", default: c.replies.undoMilliseconds, in: 0...600_000)

        // Which stores exist, and what a valid connection string is, only the wiring knows
        // (`TandemApp`: `TandemConfiguration.checkConnections()`).
        c.store.url = try string("store.url", default: c.store.url)
        c.store.busyTimeoutMilliseconds = try int(
            "store.busyTimeoutMilliseconds", default: c.store.busyTimeoutMilliseconds, in: 0...600_000)
        c.store.mongo.serverSelectionTimeoutMilliseconds = try int(
            "store.mongo.serverSelectionTimeoutMilliseconds", default: c.store.mongo.serverSelectionTimeoutMilliseconds,
            in: 100...600_000)
        c.store.mongo.socketTimeoutMilliseconds = try int(
            "store.mongo.socketTimeoutMilliseconds", default: c.store.mongo.socketTimeoutMilliseconds, in: 0...3_600_000)
        c.store.mongo.writeConcernTimeoutMilliseconds = try int(
            "store.mongo.writeConcernTimeoutMilliseconds", default: c.store.mongo.writeConcernTimeoutMilliseconds,
            in: 0...3_600_000)
        c.store.mongo.maxConnections = try int("store.mongo.maxConnections", default: c.store.mongo.maxConnections, in: 1...256)

        c.retention.enabled = try bool("retention.enabled", default: c.retention.enabled)
        c.retention.cron = try string("retention.cron", default: c.retention.cron)
        c.retention.timeZone = try string("retention.timeZone", default: c.retention.timeZone)
        do {
            _ = try CronExpression(c.retention.cron, timeZone: c.retention.timeZone)
        } catch {
            throw ConfigurationError(key: "retention.\(error.field)", message: error.message)
        }
        c.retention.closedTicketDays = try int(
            "retention.closedTicketDays", default: c.retention.closedTicketDays, in: 0...36_500)
        c.retention.readNotificationDays = try int(
            "retention.readNotificationDays", default: c.retention.readNotificationDays, in: 0...36_500)
        c.retention.opLogDays = try int("retention.opLogDays", default: c.retention.opLogDays, in: 0...36_500)
        c.retention.opLogMarginVersions = try int(
            "retention.opLogMarginVersions", default: c.retention.opLogMarginVersions, in: 0...100_000_000)
        c.retention.batchSize = try int("retention.batchSize", default: c.retention.batchSize, in: 1...100_000)
        c.retention.completedJobDays = try int(
            "retention.completedJobDays", default: c.retention.completedJobDays, in: 0...36_500)

        c.jobs.enabled = try bool("jobs.enabled", default: c.jobs.enabled)
        c.jobs.pollMilliseconds = try int("jobs.pollMilliseconds", default: c.jobs.pollMilliseconds, in: 10...60_000)
        c.jobs.leaseSeconds = try int("jobs.leaseSeconds", default: c.jobs.leaseSeconds, in: 2...3_600)
        c.jobs.concurrency = try int("jobs.concurrency", default: c.jobs.concurrency, in: 1...10_000)
        c.jobs.ratePerSecond = try int("jobs.ratePerSecond", default: c.jobs.ratePerSecond, in: 0...100_000)
        c.jobs.testQueue = try bool("jobs.testQueue", default: c.jobs.testQueue)
        if production && c.jobs.testQueue {
            throw ConfigurationError(key: "jobs.testQueue", message: "is for tests and cannot be true in production mode.")
        }

        // Attachments (issue 15).
        c.attachments.storage = try string("attachments.storage", default: c.attachments.storage)
        guard ["local", "gridfs"].contains(c.attachments.storage) else {
            throw ConfigurationError(key: "attachments.storage", message: "must be local or gridfs.")
        }
        c.attachments.directory = try string("attachments.directory", default: c.attachments.directory)
        c.attachments.maxBytes = try int("attachments.maxBytes", default: c.attachments.maxBytes, in: 1...(1 << 40))
        c.attachments.ticketQuotaBytes = try int(
            "attachments.ticketQuotaBytes", default: c.attachments.ticketQuotaBytes, in: 1...(1 << 50))
        c.attachments.maxImagePixels = try int(
            "attachments.maxImagePixels", default: c.attachments.maxImagePixels, in: 1...2_000_000_000)
        c.attachments.allowedTypes = try stringArray("attachments.allowedTypes", default: c.attachments.allowedTypes)
        c.attachments.deniedTypes = try stringArray("attachments.deniedTypes", default: c.attachments.deniedTypes)

        let secret = try string("auth.jwtSecret", default: "", secret: true)
        if secret.isEmpty {
            if production {
                throw ConfigurationError(key: "auth.jwtSecret", message: "is required in production mode (at least 32 bytes).")
            }
        } else {
            c.auth.jwtSecret = secret
        }
        if production && c.auth.jwtSecret == TandemConfiguration.developmentSecret {
            throw ConfigurationError(
                key: "auth.jwtSecret", message: "is the development default; production mode needs a secret of your own.")
        }
        if c.auth.jwtSecret.utf8.count < 32 {
            throw ConfigurationError(key: "auth.jwtSecret", message: "must be at least 32 bytes.")
        }
        c.auth.jwtKeyID = try string("auth.jwtKeyID", default: c.auth.jwtKeyID)
        c.auth.issuer = try string("auth.issuer", default: c.auth.issuer)
        c.auth.audience = try string("auth.audience", default: c.auth.audience)
        c.auth.accessTokenSeconds = try int("auth.accessTokenSeconds", default: c.auth.accessTokenSeconds, in: 10...86_400)
        c.auth.refreshTokenSeconds = try int(
            "auth.refreshTokenSeconds", default: c.auth.refreshTokenSeconds, in: 60...(365 * 86_400))
        c.auth.bcryptCost = try int("auth.bcryptCost", default: c.auth.bcryptCost, in: (production ? 10 : 4)...16)
        c.auth.allowSignUp = try bool("auth.allowSignUp", default: c.auth.allowSignUp)
        c.auth.secureCookies = try bool("auth.secureCookies", default: c.auth.secureCookies)
        if production && !c.auth.secureCookies {
            throw ConfigurationError(key: "auth.secureCookies", message: "cannot be false in production mode.")
        }
        c.auth.maxFailedLoginsPerAccount = try int(
            "auth.maxFailedLoginsPerAccount", default: c.auth.maxFailedLoginsPerAccount, in: 1...1000)
        c.auth.maxFailedLoginsPerAddress = try int(
            "auth.maxFailedLoginsPerAddress", default: c.auth.maxFailedLoginsPerAddress, in: 1...100_000)
        c.auth.failedLoginWindowSeconds = try int(
            "auth.failedLoginWindowSeconds", default: c.auth.failedLoginWindowSeconds, in: 1...86_400)

        c.cluster.redisURL = try string("cluster.redisURL", default: c.cluster.redisURL, secret: true)
        c.cluster.nodeID = try string("cluster.nodeID", default: c.cluster.nodeID)
        guard c.cluster.nodeID.utf8.count <= 64, !c.cluster.nodeID.contains("/"), !c.cluster.nodeID.contains(" ") else {
            throw ConfigurationError(key: "cluster.nodeID", message: "must be at most 64 characters without '/' or spaces.")
        }
        c.cluster.leaseMilliseconds = try int(
            "cluster.leaseMilliseconds", default: c.cluster.leaseMilliseconds, in: 300...600_000)
        c.cluster.presenceTTLMilliseconds = try int(
            "cluster.presenceTTLMilliseconds", default: c.cluster.presenceTTLMilliseconds, in: 0...3_600_000)
        c.cluster.callTimeoutMilliseconds = try int(
            "cluster.callTimeoutMilliseconds", default: c.cluster.callTimeoutMilliseconds, in: 100...600_000)

        c.log.level = try string("log.level", default: c.log.level)
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(c.log.level) else {
            throw ConfigurationError(
                key: "log.level", message: "must be one of trace, debug, info, notice, warning, error, critical.")
        }
        c.log.format = try string("log.format", default: production ? "json" : c.log.format)
        guard ["text", "json"].contains(c.log.format) else {
            throw ConfigurationError(key: "log.format", message: "must be text or json.")
        }
        c.web.root = try string("web.root", default: c.web.root)

        c.metrics.token = try string("metrics.token", default: c.metrics.token, secret: true)
        if !c.metrics.token.isEmpty && c.metrics.token.utf8.count < 16 {
            throw ConfigurationError(key: "metrics.token", message: "must be at least 16 bytes.")
        }
        try loadMail(into: &c, production: production)
        return c
    }

    /// The `mail.*` block.
    private func loadMail(into c: inout TandemConfiguration, production: Bool) throws(ConfigurationError) {
        c.mail.smtpURL = try string("mail.smtpURL", default: c.mail.smtpURL)
        let scheme = c.mail.smtpURL.lowercased()
        guard c.mail.smtpURL.isEmpty || scheme.hasPrefix("smtp://") || scheme.hasPrefix("smtps://") else {
            throw ConfigurationError(key: "mail.smtpURL", message: "must be empty or start with smtp:// or smtps://.")
        }
        c.mail.username = try string("mail.username", default: c.mail.username)
        c.mail.password = try string("mail.password", default: "", secret: true)
        c.mail.tls = try string("mail.tls", default: c.mail.tls)
        guard ["none", "opportunistic", "required", "implicit"].contains(c.mail.tls) else {
            throw ConfigurationError(key: "mail.tls", message: "must be one of none, opportunistic, required, implicit.")
        }
        c.mail.caFile = try string("mail.caFile", default: c.mail.caFile)
        c.mail.from = try string("mail.from", default: c.mail.from)
        let parts = c.mail.from.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !c.mail.from.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
        else { throw ConfigurationError(key: "mail.from", message: "must be an e-mail address (local@domain).") }
        c.mail.fromName = try string("mail.fromName", default: c.mail.fromName)
        c.mail.publicURL = try string("mail.publicURL", default: c.mail.publicURL)
        guard c.mail.publicURL.isEmpty || c.mail.publicURL.hasPrefix("http://") || c.mail.publicURL.hasPrefix("https://")
        else { throw ConfigurationError(key: "mail.publicURL", message: "must be empty or an http(s) URL.") }
        c.mail.maxAttempts = try int("mail.maxAttempts", default: c.mail.maxAttempts, in: 1...100)
        c.mail.retryBaseSeconds = try int("mail.retryBaseSeconds", default: c.mail.retryBaseSeconds, in: 1...86_400)
        c.mail.retryMaxSeconds = try int("mail.retryMaxSeconds", default: c.mail.retryMaxSeconds, in: 1...604_800)
        c.mail.pollMilliseconds = try int("mail.pollMilliseconds", default: c.mail.pollMilliseconds, in: 10...600_000)
        c.mail.timeoutSeconds = try int("mail.timeoutSeconds", default: c.mail.timeoutSeconds, in: 1...3600)
        c.mail.signUpLinkSeconds = try int("mail.signUpLinkSeconds", default: c.mail.signUpLinkSeconds, in: 60...(30 * 86_400))
        // Sign-up confirms by e-mail: in production a sign-up that cannot send its link is refused
        // at start rather than answering every customer "check your e-mail" for nothing.
        if production && c.auth.allowSignUp && !c.mail.sends {
            throw ConfigurationError(
                key: "mail.smtpURL",
                message: "is required in production mode while auth.allowSignUp is true (sign-up confirms by e-mail).")
        }
        if production && c.auth.allowSignUp && c.mail.publicURL.isEmpty {
            throw ConfigurationError(
                key: "mail.publicURL",
                message: "is required in production mode while auth.allowSignUp is true (the confirmation link points there).")
        }
    }

    // MARK: Typed lookups

    private func lookup(
        _ key: String, _ type: ConfigType, default value: String, range: ClosedRange<Int>? = nil, secret: Bool = false
    ) throws(ConfigurationError) -> ConfigContent? {
        let kind: SettingDescriptor.Kind =
            switch type {
            case .int: .int
            case .bool: .bool
            case .stringArray: .stringArray
            default: .string
            }
        readKeys.insert(SettingDescriptor(key: key, kind: kind, defaultJSON: value, range: range, secret: secret))
        let absolute = AbsoluteConfigKey(key.split(separator: ".").map(String.init))
        for provider in providers {
            do {
                if let value = try provider.value(forKey: absolute, type: type).value {
                    return value.content
                }
            } catch {
                let shown = secret ? "" : " (\(error))"
                throw ConfigurationError(key: key, message: "must be \(Self.describe(type))\(shown).")
            }
        }
        return nil
    }

    /// A string as a JSON string literal.
    private static func json(_ string: String) -> String {
        var literal = "\""
        for character in string {
            if character == "\\" || character == "\"" { literal.append("\\") }
            literal.append(character)
        }
        return literal + "\""
    }

    private static func describe(_ type: ConfigType) -> String {
        switch type {
        case .int: "an integer"
        case .bool: "true or false"
        case .stringArray: "a list of strings"
        default: "a string"
        }
    }

    private func string(_ key: String, default value: String, secret: Bool = false) throws(ConfigurationError) -> String {
        guard case .string(let string)? = try lookup(key, .string, default: Self.json(value), secret: secret) else {
            return value
        }
        return string
    }

    private func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard case .int(let int)? = try lookup(key, .int, default: "\(value)", range: range) else { return value }
        guard range.contains(int) else {
            throw ConfigurationError(
                key: key, message: "must be between \(range.lowerBound) and \(range.upperBound), got \(int).")
        }
        return int
    }

    private func bool(_ key: String, default value: Bool) throws(ConfigurationError) -> Bool {
        guard case .bool(let bool)? = try lookup(key, .bool, default: "\(value)") else { return value }
        return bool
    }

    private func stringArray(_ key: String, default value: [String]) throws(ConfigurationError) -> [String] {
        guard
            case .stringArray(let array)? = try lookup(
                key, .stringArray, default: "[\(value.map(Self.json).joined(separator: ","))]")
        else { return value }
        return array
    }

    private func oneOf<E: RawRepresentable & CaseIterable>(_ key: String, default value: E) throws(ConfigurationError) -> E
    where E.RawValue == String {
        let raw = try string(key, default: value.rawValue)
        guard let parsed = E(rawValue: raw) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(key: key, message: "must be one of \(allowed), got \"\(raw)\".")
        }
        return parsed
    }
}
