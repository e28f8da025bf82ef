// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemMedia
import TandemTestSupport
import Testing

/// libmagic and libvips on the attachment fixtures (Tests/Vectors/attachments).
@Suite struct MediaTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try RepositoryFiles.data("Tests/Vectors/attachments/\(name)"))
    }

    @Test func theTypeComesFromTheBytesNotTheName() async throws {
        let sniffer = try TypeSniffer()
        #expect(await sniffer.mimeType(of: try Self.fixture("small.png")) == "image/png")
        // lie.png is HTML: a name or a Content-Type saying PNG changes nothing.
        #expect(await sniffer.mimeType(of: try Self.fixture("lie.png")) == "text/html")
        #expect(await sniffer.mimeType(of: Array("hello, world\n".utf8)) == "text/plain")
        #expect(await sniffer.mimeType(of: []) == "application/x-empty")
    }

    @Test func aThumbnailFitsTheBoxAndIsAPNG() async throws {
        let thumbnailer = try Thumbnailer(size: 32)
        let header = try await thumbnailer.header(of: try Self.fixture("small.png"))
        #expect(header == ImageHeader(width: 64, height: 48, pages: 1))
        let thumb = try await thumbnailer.thumbnail(of: try Self.fixture("small.png"))
        let decoded = try await thumbnailer.header(of: thumb)
        #expect(decoded.width == 32 && decoded.height == 24)
        #expect(await (try TypeSniffer()).mimeType(of: thumb) == "image/png")
    }

    /// bomb.png is 109 KB declaring 30,000 × 30,000 pixels: refused from its header.
    @Test func anImageBombIsRefusedBeforeDecoding() async throws {
        let thumbnailer = try Thumbnailer(maxPixels: 50_000_000)
        await #expect(throws: MediaError.imageTooLarge(width: 30000, height: 30000, pages: 1, limit: 50_000_000)) {
            _ = try await thumbnailer.thumbnail(of: try Self.fixture("bomb.png"))
        }
    }

    @Test func truncatedAndPolyglotImagesAreUndecodable() async throws {
        let thumbnailer = try Thumbnailer()
        for name in ["trunc.png", "poly.gif", "lie.png"] {
            await #expect(throws: MediaError.self, "\(name)") { _ = try await thumbnailer.thumbnail(of: try Self.fixture(name)) }
            do {
                _ = try await thumbnailer.thumbnail(of: try Self.fixture(name))
            } catch let error as MediaError {
                guard case .undecodableImage(let message) = error else {
                    Issue.record("\(name): \(error)")
                    continue
                }
                #expect(!message.isEmpty)
            }
        }
    }

    @Test func aForgedHeaderCannotOverflowThePixelCount() {
        #expect(ImageHeader(width: Int.max, height: 2, pages: 1).pixels == Int.max)
        #expect(ImageHeader(width: 10, height: 10, pages: 0).pixels == 100)
    }
}
