// JPEG encode/decode through libjpeg(-turbo), in memory. libjpeg's default error_exit calls exit();
// here it longjmps back to the calling function, which cleans up and returns a status.
#include "CImageCodecs.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr manager;  // first member: libjpeg sees a plain jpeg_error_mgr
    jmp_buf jump;
    char *message;
    size_t size;
} ic_jpeg_error;

static void ic_jpeg_record(j_common_ptr cinfo) {
    ic_jpeg_error *error = (ic_jpeg_error *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    if (error->message && error->size > 0) snprintf(error->message, error->size, "%s", text);
}

static void ic_jpeg_error_exit(j_common_ptr cinfo) {
    ic_jpeg_record(cinfo);
    longjmp(((ic_jpeg_error *)cinfo->err)->jump, 1);
}

// Warnings go nowhere, except a premature end of data: libjpeg would pad the image with gray and
// carry on, and a truncated frame must be an error, not a silently damaged image.
static void ic_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) ic_jpeg_error_exit(cinfo);
}

typedef struct {
    ic_jpeg_error error;
    struct jpeg_decompress_struct cinfo;
    unsigned char *pixels;
} ic_jpeg_decoder;

int ic_jpeg_decode(const unsigned char *data, size_t size, ic_image *out, char *message, size_t message_size) {
    memset(out, 0, sizeof *out);
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) {
        snprintf(message, message_size, "not a JPEG file (no SOI marker)");
        return IC_NOT_THIS_FORMAT;
    }
    ic_jpeg_decoder *d = (ic_jpeg_decoder *)calloc(1, sizeof(ic_jpeg_decoder));
    if (!d) {
        snprintf(message, message_size, "out of memory");
        return IC_NO_MEMORY;
    }
    d->cinfo.err = jpeg_std_error(&d->error.manager);
    d->error.manager.error_exit = ic_jpeg_error_exit;
    d->error.manager.emit_message = ic_jpeg_emit_message;
    d->error.message = message;
    d->error.size = message_size;
    if (setjmp(d->error.jump)) {
        jpeg_destroy_decompress(&d->cinfo);
        free(d->pixels);
        free(d);
        return IC_ERROR;
    }
    jpeg_create_decompress(&d->cinfo);
    jpeg_mem_src(&d->cinfo, data, (unsigned long)size);
    jpeg_read_header(&d->cinfo, TRUE);
    d->cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&d->cinfo);
    size_t width = d->cinfo.output_width, height = d->cinfo.output_height;
    size_t channels = (size_t)d->cinfo.output_components;
    size_t row_bytes = width * channels;
    d->pixels = (unsigned char *)malloc(row_bytes * height + 1);
    if (!d->pixels) ERREXIT1(&d->cinfo, JERR_OUT_OF_MEMORY, 0);
    while (d->cinfo.output_scanline < d->cinfo.output_height) {
        JSAMPROW row = d->pixels + (size_t)d->cinfo.output_scanline * row_bytes;
        jpeg_read_scanlines(&d->cinfo, &row, 1);
    }
    jpeg_finish_decompress(&d->cinfo);
    jpeg_destroy_decompress(&d->cinfo);
    out->width = (int)width;
    out->height = (int)height;
    out->channels = (int)channels;
    out->bit_depth = 8;
    out->pixels = d->pixels;
    out->size = row_bytes * height;
    free(d);
    return IC_OK;
}

typedef struct {
    ic_jpeg_error error;
    struct jpeg_compress_struct cinfo;
    unsigned char *buffer;
    unsigned long buffer_size;
} ic_jpeg_encoder;

int ic_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                   unsigned char **out, size_t *out_size, char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    if ((channels != 1 && channels != 3) || width <= 0 || height <= 0 || width > 65500 || height > 65500) {
        snprintf(message, message_size, "cannot encode %dx%d image with %d channels as JPEG", width, height, channels);
        return IC_ERROR;
    }
    ic_jpeg_encoder *e = (ic_jpeg_encoder *)calloc(1, sizeof(ic_jpeg_encoder));
    if (!e) {
        snprintf(message, message_size, "out of memory");
        return IC_NO_MEMORY;
    }
    e->cinfo.err = jpeg_std_error(&e->error.manager);
    e->error.manager.error_exit = ic_jpeg_error_exit;
    e->error.manager.emit_message = ic_jpeg_emit_message;
    e->error.message = message;
    e->error.size = message_size;
    if (setjmp(e->error.jump)) {
        jpeg_destroy_compress(&e->cinfo);
        free(e->buffer);
        free(e);
        return IC_ERROR;
    }
    jpeg_create_compress(&e->cinfo);
    jpeg_mem_dest(&e->cinfo, &e->buffer, &e->buffer_size);
    e->cinfo.image_width = (JDIMENSION)width;
    e->cinfo.image_height = (JDIMENSION)height;
    e->cinfo.input_components = channels;
    e->cinfo.in_color_space = channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&e->cinfo);
    jpeg_set_quality(&e->cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    jpeg_start_compress(&e->cinfo, TRUE);
    size_t row_bytes = (size_t)width * (size_t)channels;
    while (e->cinfo.next_scanline < e->cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)e->cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&e->cinfo, &row, 1);
    }
    jpeg_finish_compress(&e->cinfo);
    jpeg_destroy_compress(&e->cinfo);
    *out = e->buffer;
    *out_size = (size_t)e->buffer_size;
    free(e);
    return IC_OK;
}
