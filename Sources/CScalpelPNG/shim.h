// libpng (Debian: libpng-dev): PNG decoding for image-folder data sources.
//
// libpng reports errors by longjmp to a setjmp point. Swift frames must never be jumped over, so the
// whole decode runs in this C function: setjmp is taken here, every libpng call is made from here
// (the read callback is C too), and an error comes back as a status code and a message.
#pragma once
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Outcome of a decode (0 = ok).
enum {
    SCALPEL_IMAGE_OK = 0,
    SCALPEL_IMAGE_TRUNCATED = 1,   // the data ends before the image does
    SCALPEL_IMAGE_CORRUPT = 2,     // the codec refused the data
    SCALPEL_IMAGE_TOO_LARGE = 3,   // width × height above the caller's pixel limit
    SCALPEL_IMAGE_NO_MEMORY = 4,
    SCALPEL_IMAGE_UNSUPPORTED = 5
};

/// A decoded PNG: `height` rows of `width` pixels of `channels` interleaved samples
/// (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA), `bit_depth` 8 (bytes) or 16 (native-endian uint16).
/// `pixels` is malloc'ed; release it with `scalpel_png_free`.
typedef struct {
    int status;
    char message[256];
    uint32_t width, height, channels, bit_depth;
    unsigned char *pixels;
} scalpel_png_result;

typedef struct {
    const unsigned char *data;
    size_t size, offset;
    scalpel_png_result *result;
} scalpel_png_reader;

static inline void scalpel_png_error(png_structp png, png_const_charp message) {
    scalpel_png_reader *reader = (scalpel_png_reader *)png_get_error_ptr(png);
    if (reader->result->status == SCALPEL_IMAGE_OK) {
        reader->result->status = SCALPEL_IMAGE_CORRUPT;
        strncpy(reader->result->message, message, sizeof reader->result->message - 1);
    }
    png_longjmp(png, 1);
}

static inline void scalpel_png_warning(png_structp png, png_const_charp message) {
    (void)png; (void)message;  // ancillary problems (bad CRC of a text chunk, ...) are not errors
}

static inline void scalpel_png_read(png_structp png, png_bytep out, png_size_t length) {
    scalpel_png_reader *reader = (scalpel_png_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        reader->result->status = SCALPEL_IMAGE_TRUNCATED;
        snprintf(reader->result->message, sizeof reader->result->message,
                 "the data ends at byte %zu before the image does", reader->size);
        png_error(png, "truncated");
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

/// Decodes the PNG in `data[0..<size]`. Palette images become RGB (RGBA with a tRNS chunk), gray
/// with tRNS becomes gray+alpha, bit depths below 8 are expanded to 8, 16 stays 16. Refuses images
/// of more than `max_pixels` pixels from the header, before allocating them.
static inline scalpel_png_result scalpel_png_decode(const unsigned char *data, size_t size, uint64_t max_pixels) {
    scalpel_png_result result;
    memset(&result, 0, sizeof result);
    scalpel_png_reader reader = { data, size, 0, &result };
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        result.status = SCALPEL_IMAGE_CORRUPT;
        strcpy(result.message, "no PNG signature");
        return result;
    }
    scalpel_png_result *const r = &result;  // written through a pointer: stays valid across longjmp
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, scalpel_png_error, scalpel_png_warning);
    if (!png) { r->status = SCALPEL_IMAGE_NO_MEMORY; strcpy(r->message, "libpng: no memory"); return *r; }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        r->status = SCALPEL_IMAGE_NO_MEMORY; strcpy(r->message, "libpng: no memory");
        return *r;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(r->pixels);
        r->pixels = NULL;
        png_destroy_read_struct(&png, &info, NULL);
        if (r->status == SCALPEL_IMAGE_OK) r->status = SCALPEL_IMAGE_CORRUPT;
        return *r;
    }
    png_set_read_fn(png, &reader, scalpel_png_read);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    if (max_pixels > 0 && (uint64_t)width * (uint64_t)height > max_pixels) {
        r->status = SCALPEL_IMAGE_TOO_LARGE;
        snprintf(r->message, sizeof r->message, "%u×%u pixels, more than the limit of %llu",
                 width, height, (unsigned long long)max_pixels);
        png_error(png, "too large");
    }
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) png_set_swap(png);  // PNG stores big-endian; hand back native order (little-endian)
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    r->width = width;
    r->height = height;
    r->channels = png_get_channels(png, info);
    r->bit_depth = png_get_bit_depth(png, info);
    size_t rowBytes = png_get_rowbytes(png, info);
    if (rowBytes != (size_t)width * r->channels * (r->bit_depth / 8)) {
        r->status = SCALPEL_IMAGE_UNSUPPORTED;
        strcpy(r->message, "unexpected row layout after conversion");
        png_error(png, "unsupported");
    }
    r->pixels = (unsigned char *)malloc(rowBytes * height > 0 ? rowBytes * height : 1);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (height > 0 ? height : 1));
    if (!r->pixels || !rows) {
        r->status = SCALPEL_IMAGE_NO_MEMORY;
        strcpy(r->message, "no memory for the pixels");
        png_error(png, "no memory");
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = r->pixels + (size_t)y * rowBytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return *r;
}

/// Releases the pixels of a result.
static inline void scalpel_png_free(scalpel_png_result *result) {
    free(result->pixels);
    result->pixels = NULL;
}
