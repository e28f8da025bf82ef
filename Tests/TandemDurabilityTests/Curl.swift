// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// HTTPS requests through nginx with `curl` (trusting the cluster's own certificate),
/// the way an operator would check a deployment.
enum Curl {
    struct Response: Sendable {
        var status: Int
        /// Lower-cased header names.
        var headers: [String: String]
        var body: String
        /// Lower-cased names of the headers that came more than once.
        var repeated: Set<String> = []
    }

    static func get(_ url: String, ca: String?, bearer: String? = nil) async throws -> Response {
        var arguments = ["-sS", "--max-time", "10", "-D", "-", url]
        if let ca { arguments += ["--cacert", ca] }
        if let bearer { arguments += ["-H", "Authorization: Bearer \(bearer)"] }
        let result = try await Command.run("/usr/bin/curl", arguments, environment: ProcessInfo.processInfo.environment)
        guard result.status == 0 else {
            throw ServerProcessError(description: "curl \(arguments.joined(separator: " ")): \(result.output.suffix(500))")
        }
        return parse(result.output)
    }

    /// POSTs `body` to `url` `count` times, one after the other on one connection, and returns
    /// each answer's status and body.
    static func postBurst(_ url: String, body: String, count: Int, ca: String?) async throws -> [(status: Int, body: String)] {
        var arguments = [
            "-s", "--max-time", "20", "-X", "POST",
            "-H", "Content-Type: application/json", "-d", body, "-w", "\n<<status %{http_code}>>\n", "\(url)?burst=[1-\(count)]",
        ]
        if let ca { arguments += ["--cacert", ca] }
        let result = try await Command.run("/usr/bin/curl", arguments, environment: ProcessInfo.processInfo.environment)
        // Each answer is its body followed by its status marker.
        var answers: [(status: Int, body: String)] = []
        var rest = Substring(result.output)
        while let marker = rest.range(of: "<<status ") {
            let body = rest[..<marker.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            let after = rest[marker.upperBound...]
            guard let end = after.range(of: ">>") else { break }
            answers.append((Int(after[..<end.lowerBound]) ?? 0, body))
            rest = after[end.upperBound...]
        }
        return answers
    }

    /// `-D -` output: the status line and headers, a blank line, the body.
    private static func parse(_ output: String) -> Response {
        let normalized = output.replacingOccurrences(of: "\r\n", with: "\n")
        let parts = normalized.components(separatedBy: "\n\n")
        let head = parts.first ?? ""
        var lines = head.split(separator: "\n")
        let statusLine = lines.isEmpty ? "" : String(lines.removeFirst())
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var headers: [String: String] = [:]
        var repeated: Set<String> = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            if headers[name] != nil { repeated.insert(name) }
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: parts.dropFirst().joined(separator: "\n\n"), repeated: repeated)
    }
}
