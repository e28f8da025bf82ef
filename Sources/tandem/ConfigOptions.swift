// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import Logging
import TandemApp
import TandemServer

/// Flags shared by every command that reads the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(help: "JSON configuration file (default: Config/tandem.json if present).")
    var config: String?

    @Option(help: "Address to bind (http.host).")
    var host: String?

    @Option(help: "Port to bind; 0 picks a free one (http.port).")
    var port: String?

    @Option(help: "Store URL, e.g. sqlite:data/tandem.sqlite (store.url).")
    var store: String?

    @Option(help: "development or production (mode).")
    var mode: String?

    @Option(name: .customLong("set"), help: "Override any setting: --set key=value (repeatable).")
    var overrides: [String] = []

    /// Loads and validates the configuration; prints the offending key and exits 2 on error.
    func load() async throws -> TandemConfiguration {
        var values: [String: String] = [:]
        for item in overrides {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("--set expects key=value, got \"\(item)\"")
            }
            values[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        if let host { values["http.host"] = host }
        if let port { values["http.port"] = port }
        if let store { values["store.url"] = store }
        if let mode { values["mode"] = mode }
        let file = config ?? (FileManager.default.fileExists(atPath: "Config/tandem.json") ? "Config/tandem.json" : nil)
        do {
            let loader = try await ConfigurationLoader.standard(
                overrides: values, environment: ProcessInfo.processInfo.environment, filePath: file)
            let configuration = try loader.load()
            try configuration.checkConnections()
            return configuration
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("tandem: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// Sets up swift-log once per process: JSON lines or text, at the configured level.
enum LogSetup {
    /// `errors` counts the process's error events per fingerprint (`serve` hands it to `/metrics`).
    static func bootstrap(_ configuration: TandemConfiguration, errors: LogEventCounter = LogEventCounter()) -> Logger {
        let level = Logger.Level(rawValue: configuration.log.level) ?? .info
        let json = configuration.log.format == "json"
        LoggingSystem.bootstrap(
            { label, provider in
                let inner: any LogHandler =
                    json
                    ? JSONLogHandler(label: label, metadataProvider: provider)
                    : StreamLogHandler.standardOutput(label: label, metadataProvider: provider)
                var handler = FingerprintLogHandler(wrapping: inner, label: label, counter: errors)
                handler.logLevel = level
                return handler
            }, metadataProvider: .traceContext)
        var logger = Logger(label: "tandem")
        logger.logLevel = level
        return logger
    }
}
