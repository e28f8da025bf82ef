// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Makes a client's file name safe to store and to send back in `Content-Disposition`.
///
/// - No path: only what follows the last `/` or `\` is kept (`../../etc/passwd` → `passwd`).
/// - No control or format characters (C0, C1, DEL, bidirectional overrides, zero-width marks),
///   so a name cannot break a header or disguise its extension (`gpj.exe` behind U+202E).
/// - No leading or trailing spaces and dots; at most ``maxScalars`` Unicode scalars, the
///   extension kept when one is cut.
public enum AttachmentName {
    public static let maxScalars = 120

    /// The safe form of `raw`.
    /// - Throws: ``ValidationError`` `invalid_name` when nothing usable remains.
    public static func sanitize(_ raw: String, field: String = "name") throws(ValidationError) -> String {
        let last = raw.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? ""
        var scalars = String.UnicodeScalarView()
        for scalar in last.unicodeScalars where !isUnsafe(scalar) { scalars.append(scalar) }
        var name = String(scalars)
        while let first = name.unicodeScalars.first, first == " " || first == "." { name.unicodeScalars.removeFirst() }
        while let final = name.unicodeScalars.last, final == " " || final == "." { name.unicodeScalars.removeLast() }
        guard !name.isEmpty else {
            throw ValidationError(field: field, code: "invalid_name", message: "The file name has no usable characters.")
        }
        if name.unicodeScalars.count > maxScalars {
            let all = Array(name.unicodeScalars)
            let dot = all.lastIndex(of: ".").map { all.count - $0 } ?? 0
            let keep = dot > 0 && dot <= 16 ? dot : 0
            var cut = String.UnicodeScalarView(all.prefix(maxScalars - keep))
            cut.append(contentsOf: all.suffix(keep))
            name = String(cut)
        }
        return name
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }
}
