// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CMongoc

/// A parsed `mongoc_uri_t` with Tandem's defaults applied to the options the
/// connection string leaves out. The caller destroys ``pointer``.
struct MongoURI {
    let pointer: OpaquePointer
    let database: String
    let maximumConnections: Int
    let writeConcern: BSONDocument

    init(_ options: MongoConnectionOptions) throws(MongoError) {
        _ = MongoDriver.initialized
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(options.url, &error) else {
            var failure = MongoError(error)
            failure.kind = .invalidArgument
            throw failure
        }
        do {
            try Self.applyDefaults(uri, options)
        } catch {
            mongoc_uri_destroy(uri)
            throw error
        }
        pointer = uri
        database = mongoc_uri_get_database(uri).map { String(cString: $0) } ?? MongoConnectionOptions.defaultDatabase
        let size = mongoc_uri_get_option_as_int32(uri, MONGOC_URI_MAXPOOLSIZE, Int32(options.maximumConnections))
        maximumConnections = Int(min(max(size, 1), 256))
        writeConcern = Self.describe(mongoc_uri_get_write_concern(uri))
    }

    private static func applyDefaults(_ uri: OpaquePointer, _ options: MongoConnectionOptions) throws(MongoError) {
        if !mongoc_uri_has_option(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS) {
            mongoc_uri_set_option_as_int32(
                uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, options.serverSelectionTimeout.clampedMilliseconds)
        }
        if !mongoc_uri_has_option(uri, MONGOC_URI_SOCKETTIMEOUTMS) {
            mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SOCKETTIMEOUTMS, options.socketTimeout.clampedMilliseconds)
        }
        if !mongoc_uri_has_option(uri, MONGOC_URI_APPNAME) {
            mongoc_uri_set_appname(uri, "tandem")
        }
        // Majority, journaled, with a timeout, for whatever the string does not say.
        guard let concern = mongoc_write_concern_copy(mongoc_uri_get_write_concern(uri)) else { return }
        defer { mongoc_write_concern_destroy(concern) }
        let timeout = Int64(options.writeConcernTimeout.clampedMilliseconds)
        let w = mongoc_write_concern_get_w(concern)
        if w == MONGOC_WRITE_CONCERN_W_DEFAULT {
            mongoc_write_concern_set_wmajority(concern, Int32(clamping: timeout))
        } else if mongoc_write_concern_get_wtimeout_int64(concern) == 0 && w != 0 {
            mongoc_write_concern_set_wtimeout_int64(concern, timeout)
        }
        if !mongoc_write_concern_journal_is_set(concern) && w != 0 {
            mongoc_write_concern_set_journal(concern, true)
        }
        mongoc_uri_set_write_concern(uri, concern)
    }

    /// `{w, j, wtimeout}` of a write concern.
    private static func describe(_ concern: OpaquePointer?) -> BSONDocument {
        guard let concern else { return [:] }
        let w = mongoc_write_concern_get_w(concern)
        var document: BSONDocument = [:]
        switch w {
        case MONGOC_WRITE_CONCERN_W_MAJORITY: document["w"] = "majority"
        case MONGOC_WRITE_CONCERN_W_TAG:
            document["w"] = .string(mongoc_write_concern_get_wtag(concern).map { String(cString: $0) } ?? "")
        case MONGOC_WRITE_CONCERN_W_DEFAULT: document["w"] = "default"
        default: document["w"] = .int64(Int64(w))
        }
        if mongoc_write_concern_journal_is_set(concern) {
            document["j"] = .bool(mongoc_write_concern_get_journal(concern))
        }
        document["wtimeout"] = .int64(mongoc_write_concern_get_wtimeout_int64(concern))
        return document
    }
}
