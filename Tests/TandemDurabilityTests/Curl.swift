//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation

/// HTTPS requests through nginx with `curl` (trusting the cluster's own certificate),
/// the way an operator would check a deployment.
enum Curl {
    struct Response: Sendable {
        var status: Int
        /// Lower-cased header names.
        var headers: [String: String]
        var body: String
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

    /// `-D -` output: the status line and headers, a blank line, the body.
    private static func parse(_ output: String) -> Response {
        let normalized = output.replacingOccurrences(of: "\r\n", with: "\n")
        let parts = normalized.components(separatedBy: "\n\n")
        let head = parts.first ?? ""
        var lines = head.split(separator: "\n")
        let statusLine = lines.isEmpty ? "" : String(lines.removeFirst())
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: parts.dropFirst().joined(separator: "\n\n"))
    }
}
