// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CVips
import Glibc
import NIOPosix

/// Reads image headers and makes thumbnails with libvips.
///
/// The decompression bound is in pixels, not bytes: a few kilobytes of PNG can declare
/// billions of pixels. ``thumbnail(of:)`` reads the header first (libvips opens images
/// lazily) and refuses an image over ``maxPixels`` before any pixel is decoded. Only
/// libvips' own loaders run (the untrusted ones, ImageMagick among them, are blocked at
/// start). Calls block, so they run on NIO's blocking thread pool.
public struct Thumbnailer: Sendable {
    /// The most pixels (width × height × frames) an image may declare.
    public var maxPixels: Int
    /// A thumbnail fits in a square of this many pixels; smaller images are not enlarged.
    public var size: Int

    public init(maxPixels: Int = 50_000_000, size: Int = 256) throws(MediaError) {
        guard VipsRuntime.started else { throw .libraryUnavailable("libvips could not start (apt: libvips42)") }
        self.maxPixels = maxPixels
        self.size = size
    }

    /// The header of the image in `bytes`.
    /// - Throws: ``MediaError/undecodableImage(_:)`` when no trusted loader recognises it.
    public func header(of bytes: [UInt8]) async throws(MediaError) -> ImageHeader {
        try await blocking { () throws(MediaError) -> ImageHeader in try Self.readHeader(bytes) }
    }

    /// A PNG thumbnail of the first frame of the image in `bytes`.
    /// - Throws: ``MediaError/imageTooLarge(width:height:pages:limit:)`` past the pixel bound,
    ///   ``MediaError/undecodableImage(_:)`` for bytes that are not a whole image.
    public func thumbnail(of bytes: [UInt8]) async throws(MediaError) -> [UInt8] {
        let maxPixels = maxPixels
        let size = Int32(size)
        return try await blocking { () throws(MediaError) -> [UInt8] in
            let header = try Self.readHeader(bytes)
            guard header.pixels <= maxPixels else {
                throw .imageTooLarge(width: header.width, height: header.height, pages: header.pages, limit: maxPixels)
            }
            var out: UnsafeMutableRawPointer?
            var length = 0
            let rc = bytes.withUnsafeBytes { raw in tandem_vips_thumbnail(raw.baseAddress, raw.count, size, &out, &length) }
            guard rc == 0, let out else { throw .undecodableImage(Self.takeError()) }
            defer { g_free(out) }
            return Array(UnsafeRawBufferPointer(start: out, count: length))
        }
    }

    private static func readHeader(_ bytes: [UInt8]) throws(MediaError) -> ImageHeader {
        var width: Int32 = 0
        var height: Int32 = 0
        var pages: Int32 = 0
        let rc = bytes.withUnsafeBytes { raw in tandem_vips_header(raw.baseAddress, raw.count, &width, &height, &pages) }
        guard rc == 0 else { throw .undecodableImage(takeError()) }
        return ImageHeader(width: Int(width), height: Int(height), pages: Int(pages))
    }

    private static func takeError() -> String {
        guard let message = tandem_vips_take_error() else { return "libvips failed" }
        defer { g_free(message) }
        let text = String(cString: message).split(separator: "\n").first.map(String.init) ?? ""
        return text.isEmpty ? "libvips failed" : text
    }

    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws(MediaError) -> T) async throws(MediaError) -> T {
        let result: Result<T, MediaError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive {
                do throws(MediaError) { return .success(try body()) } catch { return .failure(error) }
            }
        } catch {
            throw .libraryUnavailable("the blocking thread pool is stopped")
        }
        return try result.get()
    }
}

/// libvips, started once per process on first use.
enum VipsRuntime {
    static let started: Bool = tandem_vips_start() == 0
}
