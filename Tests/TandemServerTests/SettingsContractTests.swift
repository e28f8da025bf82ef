// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemTestSupport
import Testing

@testable import TandemServer

/// A setting is defined once, by the loader's lookup (``ConfigurationLoader/settings``: key,
/// type, default, range); its environment variable is derived from the key. The other places
/// that spell settings out are held against that: Config/tandem.json, the table of
/// Config/README.md, and the dedicated flags of Sources/tandem/ConfigOptions.swift.
@Suite struct SettingsContractTests {
    static let settings = ConfigurationLoader.settings
    static let readmePath = "Config/README.md"

    @Test func exampleFileHoldsEverySettingAtItsDefault() throws {
        try #require(Self.settings.count > 40, "the loader's settings were not recorded")
        let file = try #require(
            JSONSerialization.jsonObject(with: RepositoryFiles.data("Config/tandem.json")) as? [String: Any])
        let values = Self.leaves(file, prefix: "")
        let absent = try Self.deliberatelyAbsent()
        let byKey = Dictionary(uniqueKeysWithValues: Self.settings.map { ($0.key, $0) })
        #expect(
            Set(values.keys).subtracting(byKey.keys).isEmpty,
            "Config/tandem.json has keys that are no setting: \(Set(values.keys).subtracting(byKey.keys).sorted())")
        for setting in Self.settings {
            if absent.contains(setting.key) {
                #expect(values[setting.key] == nil, "\(setting.key) is documented as absent from Config/tandem.json")
                continue
            }
            guard let value = values[setting.key] else {
                Issue.record("Config/tandem.json lacks \(setting.key) (or \(Self.readmePath) must say why it is absent)")
                continue
            }
            #expect(
                Self.json(value, as: setting.kind) == setting.defaultJSON,
                "Config/tandem.json: \(setting.key) is \(value), its default is \(setting.defaultJSON)")
        }
    }

    @Test func readmeTableDocumentsEverySetting() throws {
        let rows = try Self.readmeRows()
        let absent = try Self.deliberatelyAbsent()
        let flags = try Self.dedicatedFlags()
        #expect(
            Set(rows.keys) == Set(Self.settings.map(\.key)),
            "\(Self.readmePath) and the loader disagree: only in the table \(Set(rows.keys).subtracting(Self.settings.map(\.key)).sorted()), only in the loader \(Set(Self.settings.map(\.key)).subtracting(rows.keys).sorted())"
        )
        for setting in Self.settings {
            guard let row = rows[setting.key] else { continue }
            #expect(
                row.environment == "`\(setting.environmentVariable)`",
                "\(setting.key): the table says \(row.environment), the loader reads \(setting.environmentVariable)")
            if let flag = flags[setting.key] {
                #expect(row.flag == "`--\(flag)`", "\(setting.key) has the flag --\(flag); the table says \(row.flag)")
            } else {
                #expect(row.flag.hasPrefix("`--set \(setting.key)="), "\(setting.key): the table's flag is \(row.flag)")
            }
            if !absent.contains(setting.key) {
                let shown =
                    setting.kind == .string && setting.defaultJSON != "\"\""
                    ? String(setting.defaultJSON.dropFirst().dropLast()) : setting.defaultJSON
                #expect(
                    row.defaultValue.hasPrefix("`\(shown)`"),
                    "\(setting.key): the table's default is \(row.defaultValue), the loader's \(setting.defaultJSON)")
            }
            if let range = setting.range {
                #expect(
                    row.valid.contains("\(range.lowerBound)–\(range.upperBound)"),
                    "\(setting.key): the table's valid values are \(row.valid), the loader takes \(range)")
            }
        }
    }

    /// The derived variable name is the one the environment provider looks up: a value of
    /// the wrong type under that name is refused naming the setting.
    @Test func environmentVariablesReachTheirSettings() async throws {
        for setting in Self.settings where setting.kind == .int || setting.kind == .bool {
            let loader = try await ConfigurationLoader.standard(
                environment: [setting.environmentVariable: "not-a-value"], filePath: nil)
            let error = #expect(throws: ConfigurationError.self, "\(setting.environmentVariable)") { try loader.load() }
            #expect(error?.key == setting.key, "\(setting.environmentVariable) set \(error?.key ?? "nothing")")
        }
    }

    // MARK: Reading the other places

    struct Row {
        var environment: String
        var flag: String
        var defaultValue: String
        var valid: String
    }

    /// The rows of the settings table, by key.
    static func readmeRows() throws -> [String: Row] {
        var rows: [String: Row] = [:]
        for line in try RepositoryFiles.text(readmePath).split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 8 else { continue }
            let key = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            rows[key] = Row(environment: cells[2], flag: cells[3], defaultValue: cells[4], valid: cells[cells.count - 2])
        }
        return rows
    }

    /// The keys the README says are left out of Config/tandem.json on purpose (`- **`key`**.`).
    static func deliberatelyAbsent() throws -> Set<String> {
        ProtocolContractTests.matches(#"(?m)^- \*\*`([A-Za-z.]+)`\*\*\."#, in: try RepositoryFiles.text(readmePath))
    }

    /// The keys with a flag of their own in `tandem`: `if let host { values["http.host"] = host }`.
    static func dedicatedFlags() throws -> [String: String] {
        let source = try RepositoryFiles.text("Sources/tandem/ConfigOptions.swift")
        let regex = try NSRegularExpression(pattern: #"if let (\w+) \{ values\["([\w.]+)"\] = \w+ \}"#)
        var flags: [String: String] = [:]
        for match in regex.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
            guard let flag = Range(match.range(at: 1), in: source), let key = Range(match.range(at: 2), in: source) else {
                continue
            }
            flags[String(source[key])] = String(source[flag])
        }
        return flags
    }

    static func leaves(_ object: [String: Any], prefix: String) -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in object {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if let nested = value as? [String: Any] {
                result.merge(leaves(nested, prefix: path)) { a, _ in a }
            } else {
                result[path] = value
            }
        }
        return result
    }

    /// A value of the JSON file in the form of ``SettingDescriptor/defaultJSON``.
    static func json(_ value: Any, as kind: SettingDescriptor.Kind) -> String? {
        func literal(_ string: String) -> String {
            "\"" + string.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        switch kind {
        case .int: return (value as? Int).map { "\($0)" }
        case .bool: return (value as? Bool).map { "\($0)" }
        case .string: return (value as? String).map(literal)
        case .stringArray: return (value as? [String]).map { "[" + $0.map(literal).joined(separator: ",") + "]" }
        }
    }
}
