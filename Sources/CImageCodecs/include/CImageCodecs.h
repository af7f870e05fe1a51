// CImageCodecs: PNG and JPEG encode/decode and zlib (de)compression in memory, wrapping libpng,
// libjpeg and zlib.
// Both libraries report errors by longjmp, which Swift cannot catch; this C layer owns every
// setjmp and turns failures into a non-zero status plus a message in a caller-provided buffer.
// No global state: every call is independent and thread-safe.
#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A decoded image. `pixels` is malloc'd (free it with ic_free), rows top to bottom, channels
/// interleaved; 16-bit samples are in host byte order.
typedef struct {
    int width;
    int height;
    int channels;   ///< 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int bit_depth;  ///< 8 or 16
    unsigned char *pixels;
    size_t size;    ///< bytes in pixels
} ic_image;

/// Status codes returned by every function; `message` then holds a NUL-terminated reason.
enum { IC_OK = 0, IC_ERROR = 1, IC_NOT_THIS_FORMAT = 2, IC_NO_MEMORY = 3 };

/// Decodes a PNG file image. Palette and low-bit-depth images are expanded to 8 bits, a tRNS
/// chunk to an alpha channel; 16-bit images stay 16-bit. No gamma or colour conversion is applied.
int ic_png_decode(const unsigned char *data, size_t size, ic_image *out, char *message, size_t message_size);

/// Encodes `pixels` ([height][width][channels], 8- or 16-bit host order) as PNG with zlib `level`
/// (0-9). On success `*out` is malloc'd (free with ic_free) and holds `*out_size` bytes.
int ic_png_encode(const unsigned char *pixels, int width, int height, int channels, int bit_depth, int level,
                  unsigned char **out, size_t *out_size, char *message, size_t message_size);

/// Decodes a baseline or progressive JPEG to 8-bit RGB (grayscale files are expanded to RGB).
int ic_jpeg_decode(const unsigned char *data, size_t size, ic_image *out, char *message, size_t message_size);

/// Encodes 8-bit RGB (`channels` 3) or gray (`channels` 1) pixels as JPEG with `quality` 1-100.
int ic_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                   unsigned char **out, size_t *out_size, char *message, size_t message_size);

/// Inflates a zlib stream into `dst` (capacity `dst_size`); `*written` receives the inflated size.
int ic_zlib_uncompress(const unsigned char *src, size_t src_size, unsigned char *dst, size_t dst_size,
                       size_t *written, char *message, size_t message_size);

/// Deflates `src` with zlib `level` (0-9); `*out` is malloc'd (free with ic_free).
int ic_zlib_compress(const unsigned char *src, size_t src_size, int level, unsigned char **out, size_t *out_size,
                     char *message, size_t message_size);

/// Frees memory returned by the functions above.
void ic_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
