//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//
//
// The parts of libmongoc and libbson Swift cannot call directly.
//
// Debian builds libbson with BSON_EXTRA_ALIGN: bson_t is 128-byte aligned, so
// Swift sees `bson_t *` as an OpaquePointer and can neither put one on its
// stack nor read its fields. These helpers allocate and inspect them in C.

#ifndef TANDEM_CMONGOC_SHIM_H
#define TANDEM_CMONGOC_SHIM_H

#include <mongoc/mongoc.h>

/// A heap bson_t, initialized empty, for APIs that fill an out-parameter
/// (`reply`). Release with tandem_bson_free().
static inline bson_t *tandem_bson_alloc(void) {
    bson_t *b = (bson_t *) bson_aligned_alloc0(BSON_ALIGNOF(bson_t), sizeof(bson_t));
    bson_init(b);
    return b;
}

/// Releases a bson_t from tandem_bson_alloc() (its buffer, then the struct).
/// The out-parameter APIs re-initialize it as a "static" bson_t, which
/// bson_destroy() alone would not free.
static inline void tandem_bson_free(bson_t *b) {
    if (b) {
        bson_destroy(b);
        bson_free(b);
    }
}

/// The length in bytes of the document.
static inline uint32_t tandem_bson_len(const bson_t *b) {
    return b->len;
}

/// The mongoc version this binary was built against, e.g. "1.23.1".
static inline const char *tandem_mongoc_version(void) {
    return MONGOC_VERSION_S;
}

#endif
