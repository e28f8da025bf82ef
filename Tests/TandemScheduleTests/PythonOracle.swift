// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemTestSupport

/// Runs Tests/Oracles/schedule_oracle.py once on a whole batch of cases (JSON in, JSON out).
/// The interpreter is the project venv's (`TANDEM_VENV`, else `.venv`) if present, else
/// `python3` on the PATH; the oracle needs only the standard library (zoneinfo).
enum PythonOracle {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var interpreter: (path: String, arguments: [String]) {
        let venv = ProcessInfo.processInfo.environment["TANDEM_VENV"] ?? RepositoryFiles.url(".venv").path
        let python = venv + "/bin/python3"
        if FileManager.default.isExecutableFile(atPath: python) { return (python, []) }
        return ("/usr/bin/env", ["python3"])
    }

    static func run<Request: Encodable, Response: Decodable>(_ request: Request, as: Response.Type) throws -> Response {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("request.json")
        let output = directory.appendingPathComponent("response.json")
        try JSONEncoder().encode(request).write(to: input)
        let process = Process()
        let (path, arguments) = interpreter
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments + [RepositoryFiles.url("Tests/Oracles/schedule_oracle.py").path]
        process.standardInput = try FileHandle(forReadingFrom: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "the oracle exited with \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        return try JSONDecoder().decode(Response.self, from: Data(contentsOf: output))
    }
}
