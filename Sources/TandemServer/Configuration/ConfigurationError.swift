// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A setting that keeps the server from starting, with the key that holds it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The dotted key, for example `http.port`.
    public var key: String
    /// What is wrong and what is expected.
    public var message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String {
        let env = "TANDEM_" + ConfigurationError.environmentName(of: key)
        return "configuration error: \(key) (\(env)): \(message)"
    }

    /// The environment variable suffix for a dotted camel-case key: `http.maxBodyBytes` → `HTTP_MAX_BODY_BYTES`.
    static func environmentName(of key: String) -> String {
        var out = ""
        var previous: Character?
        for character in key {
            if character == "." {
                out.append("_")
            } else {
                if let previous, previous.isLowercase, character.isUppercase { out.append("_") }
                out.append(contentsOf: character.uppercased())
            }
            previous = character
        }
        return out
    }
}
