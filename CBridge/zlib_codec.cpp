// zlib streams for ScanNet .sens depth frames (ZLIB_USHORT), through the system zlib.
#include "CBridge.h"
#include "internal.hpp"

#include <zlib.h>

extern "C" int cb_zlib_inflate(const unsigned char *src, unsigned long length, unsigned char *dst,
                               unsigned long capacity, unsigned long *written) {
    if (src == nullptr || dst == nullptr || written == nullptr) {
        return cbridge::fail(CB_INVALID_ARGUMENT, "cb_zlib_inflate: NULL argument");
    }
    uLongf size = capacity;
    const int status = uncompress(dst, &size, src, length);
    if (status != Z_OK) {
        const char *reason = status == Z_BUF_ERROR ? "output larger than expected or input truncated"
                             : status == Z_DATA_ERROR ? "corrupt or truncated zlib data"
                                                      : "out of memory";
        return cbridge::fail(CB_INVALID_ARGUMENT, std::string("cb_zlib_inflate: ") + reason);
    }
    *written = size;
    return CB_OK;
}

extern "C" unsigned long cb_zlib_bound(unsigned long length) { return compressBound(length); }

extern "C" int cb_zlib_deflate(const unsigned char *src, unsigned long length, unsigned char *dst,
                               unsigned long capacity, unsigned long *written) {
    if (src == nullptr || dst == nullptr || written == nullptr) {
        return cbridge::fail(CB_INVALID_ARGUMENT, "cb_zlib_deflate: NULL argument");
    }
    uLongf size = capacity;
    if (compress(dst, &size, src, length) != Z_OK) {
        return cbridge::fail(CB_INVALID_ARGUMENT, "cb_zlib_deflate: destination too small");
    }
    *written = size;
    return CB_OK;
}
