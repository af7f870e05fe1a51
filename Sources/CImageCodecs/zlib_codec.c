// zlib inflate/deflate of whole buffers (ScanNet .sens depth frames are zlib-compressed uint16).
#include "CImageCodecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

int ic_zlib_uncompress(const unsigned char *src, size_t src_size, unsigned char *dst, size_t dst_size,
                       size_t *written, char *message, size_t message_size) {
    uLongf length = (uLongf)dst_size;
    int status = uncompress(dst, &length, src, (uLong)src_size);
    *written = (size_t)length;
    if (status == Z_OK) return IC_OK;
    snprintf(message, message_size, "%s", status == Z_BUF_ERROR ? "decompressed data larger than expected or input truncated"
                                          : status == Z_DATA_ERROR ? "corrupt zlib data" : "zlib failure");
    return IC_ERROR;
}

int ic_zlib_compress(const unsigned char *src, size_t src_size, int level, unsigned char **out, size_t *out_size,
                     char *message, size_t message_size) {
    uLongf capacity = compressBound((uLong)src_size);
    unsigned char *buffer = (unsigned char *)malloc(capacity ? capacity : 1);
    *out = NULL;
    *out_size = 0;
    if (!buffer) {
        snprintf(message, message_size, "out of memory");
        return IC_NO_MEMORY;
    }
    if (compress2(buffer, &capacity, src, (uLong)src_size, level) != Z_OK) {
        free(buffer);
        snprintf(message, message_size, "zlib compression failed");
        return IC_ERROR;
    }
    *out = buffer;
    *out_size = (size_t)capacity;
    return IC_OK;
}
