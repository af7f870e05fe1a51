// PNG encode/decode through libpng's classic API, in memory. Every libpng error longjmps back to
// the setjmp in the function that started the work; variables changed after setjmp are volatile
// or live on the heap behind a pointer that does not change.
#include "CImageCodecs.h"

#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *message;
    size_t size;
} ic_png_error_sink;

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
} ic_png_reader;

typedef struct {
    unsigned char *data;
    size_t size;
    size_t capacity;
} ic_png_writer;

static void ic_png_on_error(png_structp png, png_const_charp text) {
    ic_png_error_sink *sink = (ic_png_error_sink *)png_get_error_ptr(png);
    if (sink && sink->message && sink->size > 0) snprintf(sink->message, sink->size, "%s", text);
    png_longjmp(png, 1);
}

static void ic_png_on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;  // warnings (e.g. unknown chunks) must not reach stderr of a library user
}

static void ic_png_read_bytes(png_structp png, png_bytep out, size_t count) {
    ic_png_reader *reader = (ic_png_reader *)png_get_io_ptr(png);
    if (count > reader->size - reader->offset) png_error(png, "unexpected end of PNG data (file truncated)");
    memcpy(out, reader->data + reader->offset, count);
    reader->offset += count;
}

static void ic_png_write_bytes(png_structp png, png_bytep bytes, size_t count) {
    ic_png_writer *writer = (ic_png_writer *)png_get_io_ptr(png);
    if (count > writer->capacity - writer->size) {
        size_t capacity = writer->capacity ? writer->capacity : 65536;
        while (capacity - writer->size < count) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(writer->data, capacity);
        if (!grown) png_error(png, "out of memory while encoding PNG");
        writer->data = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->data + writer->size, bytes, count);
    writer->size += count;
}

static void ic_png_flush(png_structp png) { (void)png; }

static int ic_host_is_little_endian(void) {
    const uint16_t probe = 1;
    return *(const unsigned char *)&probe == 1;
}

int ic_png_decode(const unsigned char *data, size_t size, ic_image *out, char *message, size_t message_size) {
    memset(out, 0, sizeof *out);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(message, message_size, "not a PNG file (bad signature)");
        return IC_NOT_THIS_FORMAT;
    }
    ic_png_error_sink sink = {message, message_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, ic_png_on_error, ic_png_on_warning);
    if (!png) {
        snprintf(message, message_size, "out of memory");
        return IC_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(message, message_size, "out of memory");
        return IC_NO_MEMORY;
    }
    ic_png_reader reader = {data, size, 0};
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return IC_ERROR;
    }
    png_set_read_fn(png, &reader, ic_png_read_bytes);
    png_set_user_limits(png, 65535, 65535);
    png_read_info(png, info);
    int color_type = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16 && ic_host_is_little_endian()) png_set_swap(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int width = (int)png_get_image_width(png, info);
    int height = (int)png_get_image_height(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if (height > 0 && row_bytes > SIZE_MAX / (size_t)height) png_error(png, "image too large");
    pixels = (unsigned char *)malloc(row_bytes * (size_t)height + 1);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height + 1);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (int y = 0; y < height; y++) rows[y] = pixels + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    out->width = width;
    out->height = height;
    out->channels = png_get_channels(png, info);
    out->bit_depth = png_get_bit_depth(png, info);
    out->pixels = pixels;
    out->size = row_bytes * (size_t)height;
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return IC_OK;
}

int ic_png_encode(const unsigned char *pixels, int width, int height, int channels, int bit_depth, int level,
                  unsigned char **out, size_t *out_size, char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    static const int color_types[5] = {-1, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                       PNG_COLOR_TYPE_RGB_ALPHA};
    if (channels < 1 || channels > 4 || (bit_depth != 8 && bit_depth != 16) || width <= 0 || height <= 0) {
        snprintf(message, message_size, "cannot encode %dx%d image with %d channels of %d bits", width, height,
                 channels, bit_depth);
        return IC_ERROR;
    }
    ic_png_error_sink sink = {message, message_size};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, ic_png_on_error, ic_png_on_warning);
    if (!png) {
        snprintf(message, message_size, "out of memory");
        return IC_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    ic_png_writer *writer = (ic_png_writer *)calloc(1, sizeof(ic_png_writer));
    png_bytep *rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    if (!info || !writer || !rows) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(writer);
        free(rows);
        snprintf(message, message_size, "out of memory");
        return IC_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(writer->data);
        free(writer);
        free(rows);
        return IC_ERROR;
    }
    png_set_write_fn(png, writer, ic_png_write_bytes, ic_png_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bit_depth, color_types[channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, level < 0 ? 0 : (level > 9 ? 9 : level));
    png_write_info(png, info);
    if (bit_depth == 16 && ic_host_is_little_endian()) png_set_swap(png);
    size_t row_bytes = (size_t)width * (size_t)channels * (size_t)(bit_depth / 8);
    for (int y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * row_bytes);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = writer->data;
    *out_size = writer->size;
    free(writer);
    free(rows);
    return IC_OK;
}

void ic_free(void *pointer) { free(pointer); }
