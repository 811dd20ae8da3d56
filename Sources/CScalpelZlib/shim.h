// zlib (Debian: zlib1g-dev): gzip reading for IDX/CSV data files, deflate for PNG.
#pragma once
#include <zlib.h>
