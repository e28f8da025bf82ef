// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Why a file could not be sniffed or an image could not be read.
public enum MediaError: Error, Sendable, Hashable {
    /// libmagic or libvips could not start (a missing library or magic database); names which.
    case libraryUnavailable(String)
    /// The image's header declares more pixels than allowed: refused before any pixel is decoded.
    case imageTooLarge(width: Int, height: Int, pages: Int, limit: Int)
    /// No trusted loader reads the bytes as an image, or the image is damaged or truncated.
    case undecodableImage(String)
}
