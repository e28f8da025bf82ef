//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//
//
// libmagic (Debian's file 5.44, apt: libmagic-dev) for sniffing a file's type
// from its bytes. A magic_t cookie is not thread-safe: TypeSniffer serialises
// its use.

#ifndef TANDEM_CMAGIC_SHIM_H
#define TANDEM_CMAGIC_SHIM_H

#include <stddef.h>
#include <magic.h>

/// A cookie answering MIME types ("image/png"), with the default database
/// loaded; NULL if libmagic or its database is missing.
/// Compressed data is not looked into (no decompression of untrusted input),
/// and nothing is read past `bytes_max`.
static inline magic_t tandem_magic_open(size_t bytes_max) {
    magic_t cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
    if (cookie == NULL) return NULL;
    if (magic_load(cookie, NULL) != 0) {
        magic_close(cookie);
        return NULL;
    }
    magic_setparam(cookie, MAGIC_PARAM_BYTES_MAX, &bytes_max);
    return cookie;
}

#endif
