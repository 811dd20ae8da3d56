// CBLAS from OpenBLAS (Debian: libopenblas-dev; pkg-config: openblas).
#pragma once
#include <cblas.h>
