//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//
//
// libvips (Debian's 8.14, apt: libvips-dev) for thumbnails. Its operations take
// their options as C varargs, which Swift cannot call: these helpers fix the
// options Tandem uses.

#ifndef TANDEM_CVIPS_SHIM_H
#define TANDEM_CVIPS_SHIM_H

#include <vips/vips.h>

/// Starts libvips once per process: no operation cache (every input is new),
/// and the loaders libvips marks untrusted (ImageMagick, PDF, SVG, …) blocked,
/// so only its own, fuzzed loaders see uploaded bytes. Returns 0 on success.
static inline int tandem_vips_start(void) {
    if (vips_init("tandem") != 0) return -1;
    vips_block_untrusted_set(TRUE);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    return 0;
}

/// Reads only the header of an image in memory (lazily: no pixel is decoded)
/// and reports its size: width, height and page count (frames of a GIF or WebP).
/// Returns 0 on success, -1 if no trusted loader recognises the bytes.
static inline int tandem_vips_header(const void *buf, size_t len, int *width, int *height, int *pages) {
    VipsImage *image = vips_image_new_from_buffer(buf, len, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (image == NULL) return -1;
    *width = vips_image_get_width(image);
    *height = vips_image_get_height(image);
    *pages = vips_image_get_n_pages(image);
    g_object_unref(image);
    return 0;
}

/// A thumbnail of the first page that fits `size`×`size` (never enlarged), as a
/// PNG in `*out` (free with g_free). A truncated or damaged image is an error,
/// not a partial picture. Returns 0 on success.
static inline int tandem_vips_thumbnail(const void *buf, size_t len, int size, void **out, size_t *out_len) {
    VipsImage *thumb = NULL;
    if (vips_thumbnail_buffer((void *) buf, len, &thumb, size, "height", size, "size", VIPS_SIZE_DOWN,
                              "option_string", "fail_on=error", NULL) != 0)
        return -1;
    int rc = vips_image_write_to_buffer(thumb, ".png", out, out_len, "strip", TRUE, NULL);
    g_object_unref(thumb);
    return rc;
}

/// The last error libvips recorded on this thread (then cleared), for messages.
static inline char *tandem_vips_take_error(void) {
    char *message = g_strdup(vips_error_buffer());
    vips_error_clear();
    return message;
}

#endif
