// libjpeg-turbo (Debian: libjpeg62-turbo-dev): JPEG decoding for image-folder data sources.
//
// libjpeg's default error manager calls exit(); this one longjmps to a setjmp point taken in
// `scalpel_jpeg_decode`, so the jump never crosses a Swift frame, and the error comes back as a
// status code and libjpeg's message.
#pragma once
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

/// Outcome of a decode (0 = ok); the same codes as the PNG shim.
enum {
    SCALPEL_JPEG_OK = 0,
    SCALPEL_JPEG_TRUNCATED = 1,
    SCALPEL_JPEG_CORRUPT = 2,
    SCALPEL_JPEG_TOO_LARGE = 3,
    SCALPEL_JPEG_NO_MEMORY = 4,
    SCALPEL_JPEG_UNSUPPORTED = 5
};

/// A decoded JPEG: `height` rows of `width` pixels of `channels` (1 gray, 3 RGB) interleaved bytes.
/// `pixels` is malloc'ed; release it with `scalpel_jpeg_free`.
typedef struct {
    int status;
    char message[JMSG_LENGTH_MAX + 64];
    uint32_t width, height, channels;
    unsigned char *pixels;
} scalpel_jpeg_result;

/// libjpeg's error manager extended with the jump buffer and the result to fill.
typedef struct {
    struct jpeg_error_mgr base;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    scalpel_jpeg_result *result;
    int max_scans;
} scalpel_jpeg_errors;

static inline void scalpel_jpeg_error_exit(j_common_ptr cinfo) {
    scalpel_jpeg_errors *errors = (scalpel_jpeg_errors *)cinfo->err;
    if (errors->result->status == SCALPEL_JPEG_OK) {
        errors->result->status = SCALPEL_JPEG_CORRUPT;
        (*cinfo->err->format_message)(cinfo, errors->result->message);
    }
    longjmp(errors->jump, 1);
}

/// A warning that means missing or damaged data (the file ends early, the entropy-coded data hits
/// a marker or loses sync) is an error here: such a file decodes to partly gray pixels, which must
/// not reach a training set unnoticed. Other warnings (extraneous bytes, ...) are ignored, as PIL does.
static inline void scalpel_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;  // trace messages
    int code = cinfo->err->msg_code;
    if (code != JWRN_JPEG_EOF && code != JWRN_HIT_MARKER && code != JWRN_MUST_RESYNC) return;
    scalpel_jpeg_errors *errors = (scalpel_jpeg_errors *)cinfo->err;
    if (errors->result->status == SCALPEL_JPEG_OK) {
        errors->result->status = code == JWRN_JPEG_EOF ? SCALPEL_JPEG_TRUNCATED : SCALPEL_JPEG_CORRUPT;
        (*cinfo->err->format_message)(cinfo, errors->result->message);
    }
    longjmp(errors->jump, 1);
}

/// Refuses progressive files with absurdly many scans (each scan re-decodes the whole image).
static inline void scalpel_jpeg_progress(j_common_ptr cinfo) {
    scalpel_jpeg_errors *errors = (scalpel_jpeg_errors *)cinfo->err;
    if (cinfo->is_decompressor) {
        j_decompress_ptr d = (j_decompress_ptr)cinfo;
        if (d->input_scan_number > errors->max_scans) {
            errors->result->status = SCALPEL_JPEG_CORRUPT;
            snprintf(errors->result->message, sizeof errors->result->message,
                     "more than %d progressive scans", errors->max_scans);
            longjmp(errors->jump, 1);
        }
    }
}

/// Decodes the JPEG in `data[0..<size]` to gray (one-component files) or RGB (YCbCr and RGB files),
/// with libjpeg's defaults (islow DCT, fancy upsampling) as PIL uses them. CMYK and YCCK files are
/// refused. Refuses images of more than `max_pixels` pixels from the header, before allocating them.
static inline scalpel_jpeg_result scalpel_jpeg_decode(const unsigned char *data, size_t size, uint64_t max_pixels) {
    scalpel_jpeg_result result;
    memset(&result, 0, sizeof result);
    scalpel_jpeg_result *const r = &result;  // written through a pointer: stays valid across longjmp
    struct jpeg_decompress_struct cinfo;
    scalpel_jpeg_errors errors;
    memset(&cinfo, 0, sizeof cinfo);
    memset(&errors, 0, sizeof errors);
    cinfo.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = scalpel_jpeg_error_exit;
    errors.base.emit_message = scalpel_jpeg_emit_message;
    errors.result = r;
    errors.max_scans = 1000;
    if (setjmp(errors.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(r->pixels);
        r->pixels = NULL;
        if (r->status == SCALPEL_JPEG_OK) r->status = SCALPEL_JPEG_CORRUPT;
        return *r;
    }
    jpeg_create_decompress(&cinfo);
    errors.progress.progress_monitor = scalpel_jpeg_progress;
    cinfo.progress = &errors.progress;
    cinfo.mem->max_memory_to_use = 1L << 30;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (max_pixels > 0 && (uint64_t)cinfo.image_width * (uint64_t)cinfo.image_height > max_pixels) {
        r->status = SCALPEL_JPEG_TOO_LARGE;
        snprintf(r->message, sizeof r->message, "%u×%u pixels, more than the limit of %llu",
                 cinfo.image_width, cinfo.image_height, (unsigned long long)max_pixels);
        longjmp(errors.jump, 1);
    }
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; break;
    case JCS_YCbCr: case JCS_RGB: cinfo.out_color_space = JCS_RGB; break;
    default:
        r->status = SCALPEL_JPEG_UNSUPPORTED;
        snprintf(r->message, sizeof r->message, "colour space %d (CMYK or YCCK) is not supported",
                 (int)cinfo.jpeg_color_space);
        longjmp(errors.jump, 1);
    }
    jpeg_start_decompress(&cinfo);
    r->width = cinfo.output_width;
    r->height = cinfo.output_height;
    r->channels = (uint32_t)cinfo.output_components;
    size_t stride = (size_t)r->width * r->channels;
    r->pixels = (unsigned char *)malloc(stride * r->height > 0 ? stride * r->height : 1);
    if (!r->pixels) {
        r->status = SCALPEL_JPEG_NO_MEMORY;
        strcpy(r->message, "no memory for the pixels");
        longjmp(errors.jump, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = r->pixels + (size_t)cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return *r;
}

/// Releases the pixels of a result.
static inline void scalpel_jpeg_free(scalpel_jpeg_result *result) {
    free(result->pixels);
    result->pixels = NULL;
}
