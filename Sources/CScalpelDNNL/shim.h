// oneDNN 2.x C API (Debian: libdnnl-dev, no pkg-config file).
// Swift cannot import pointer-cast macros, so they are wrapped in inline functions here.
#pragma once
#include <oneapi/dnnl/dnnl.h>

/// `DNNL_MEMORY_ALLOCATE`: let oneDNN allocate the buffer of a memory object.
static inline void *scalpel_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }
/// `DNNL_MEMORY_NONE`: create a memory object without a buffer (set it later).
static inline void *scalpel_dnnl_memory_none(void) { return DNNL_MEMORY_NONE; }

// libgomp's thread-count control; omp.h is not on Swift's include path.
extern void omp_set_num_threads(int);
extern int omp_get_max_threads(void);

/// libgomp's entry point for `#pragma omp parallel`: runs fn(data) on a team of num_threads
/// (the caller is thread 0) and returns after all of them finished. Scalpel runs its own loops
/// on oneDNN's team so that no OpenMP worker spins while another pool works.
extern void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
