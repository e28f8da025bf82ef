// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0
//
// glibc's allocator controls, which Swift's Glibc module does not import: mallinfo2() (heap bytes in use)
// and malloc_trim() (free pages back to the system). Used by TandemApp's MemoryTrimService.

#ifndef TANDEM_CMALLOC_SHIM_H
#define TANDEM_CMALLOC_SHIM_H

#include <malloc.h>

#endif
