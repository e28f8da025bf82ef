// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// An image's size as its header declares it, read without decoding a pixel.
public struct ImageHeader: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// Frames of an animation or pages of a document (1 for a still image).
    public var pages: Int

    public init(width: Int, height: Int, pages: Int) {
        self.width = width
        self.height = height
        self.pages = pages
    }

    /// Every pixel a full decode would produce (saturating, so a forged header cannot overflow).
    public var pixels: Int {
        let (area, o1) = width.multipliedReportingOverflow(by: height)
        let (all, o2) = area.multipliedReportingOverflow(by: max(pages, 1))
        return o1 || o2 ? Int.max : all
    }
}
