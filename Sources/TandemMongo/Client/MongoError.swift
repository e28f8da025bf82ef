// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CMongoc

/// An error from libmongoc or the server, classified by what a caller can do about it.
public struct MongoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarsely.
    public enum Kind: String, Sendable, Hashable {
        /// A unique index refused the write (server code 11000).
        case duplicateKey
        /// The connection failed or broke; the server may be down. The operation
        /// may or may not have been applied if it was a write.
        case network
        /// No server was selected within `serverSelectionTimeoutMS`, a socket read
        /// exceeded `socketTimeoutMS`, or a write concern or `maxTimeMS` expired.
        case timeout
        /// The server is not (or no longer) a writable primary: an election or a
        /// shutdown is in progress. Retry after server selection finds the new primary.
        case notWritablePrimary
        /// A document exceeds the server's 16 MiB BSON limit.
        case documentTooLarge
        /// The connection string or an option is invalid.
        case invalidArgument
        /// The client was shut down.
        case shutdown
        /// The calling task was cancelled before the call ran.
        case cancelled
        /// A BSON value could not be encoded or decoded.
        case bson
        /// Any other server error; ``MongoError/code`` tells which.
        case server
        /// Any other driver error.
        case client
    }

    public var kind: Kind
    /// libmongoc's error domain (`MONGOC_ERROR_*`), 0 when the error comes from Swift.
    public var domain: UInt32
    /// The server error code (11000 for a duplicate key) or libmongoc's code.
    public var code: UInt32
    public var message: String
    /// For a bulk insert, the index of the document that failed.
    public var failedIndex: Int?

    public init(_ kind: Kind, domain: UInt32 = 0, code: UInt32 = 0, message: String, failedIndex: Int? = nil) {
        self.kind = kind
        self.domain = domain
        self.code = code
        self.message = message
        self.failedIndex = failedIndex
    }

    public var description: String {
        "MongoDB \(kind.rawValue) error (domain \(domain), code \(code)): \(message)"
    }

    /// Classifies a libmongoc error (error API version 2: server errors carry the
    /// server's code in domain `MONGOC_ERROR_SERVER` or `MONGOC_ERROR_WRITE_CONCERN`).
    init(_ error: bson_error_t, reply: BSONDocument? = nil) {
        // `message` imports as a tuple of 504 CChars, NUL-terminated by libbson.
        var text = error.message
        let capacity = MemoryLayout.size(ofValue: text)
        let message = withUnsafeBytes(of: &text) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }).prefix(capacity), as: UTF8.self)
        }
        let failedIndex = reply.flatMap(Self.firstWriteErrorIndex)
        self.init(
            Self.classify(domain: error.domain, code: error.code, message: message),
            domain: error.domain, code: error.code, message: message, failedIndex: failedIndex)
    }

    static func classify(domain: UInt32, code: UInt32, message: String) -> Kind {
        let serverDomains = [
            MONGOC_ERROR_SERVER, MONGOC_ERROR_WRITE_CONCERN, MONGOC_ERROR_COLLECTION, MONGOC_ERROR_COMMAND,
            MONGOC_ERROR_QUERY, MONGOC_ERROR_INSERT,
        ].map(\.rawValue)
        if serverDomains.contains(domain), let kind = classify(serverCode: code) { return kind }
        switch domain {
        case MONGOC_ERROR_STREAM.rawValue:
            return message.localizedLowercase.contains("timeout") || message.contains("timed out") ? .timeout : .network
        case MONGOC_ERROR_SERVER_SELECTION.rawValue:
            return .timeout
        case MONGOC_ERROR_BSON.rawValue:
            return message.contains("too large") ? .documentTooLarge : .bson
        case MONGOC_ERROR_COMMAND.rawValue where code == MONGOC_ERROR_COMMAND_INVALID_ARG.rawValue:
            return message.contains("too large") ? .documentTooLarge : .invalidArgument
        case MONGOC_ERROR_CLIENT.rawValue where code == MONGOC_ERROR_CLIENT_TOO_BIG.rawValue:
            return .documentTooLarge
        case MONGOC_ERROR_SERVER.rawValue, MONGOC_ERROR_WRITE_CONCERN.rawValue:
            return .server
        default:
            return .client
        }
    }

    /// The kind a server error code denotes, if it is one Tandem handles.
    static func classify(serverCode code: UInt32) -> Kind? {
        switch code {
        case 11000, 11001, 12582: .duplicateKey
        case 10107, 13435, 13436, 11600, 11602, 189, 91: .notWritablePrimary
        case 50, 64, 262: .timeout
        case 10334, 17419, 17420: .documentTooLarge
        default: nil
        }
    }

    /// `writeErrors[0].index` of a bulk write reply.
    private static func firstWriteErrorIndex(_ reply: BSONDocument) -> Int? {
        guard case .array(let errors)? = reply["writeErrors"], case .document(let first)? = errors.first,
            let index = first["index"]?.int64Value
        else { return nil }
        return Int(index)
    }
}
