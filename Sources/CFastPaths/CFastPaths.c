/* CFastPaths is header-only (static inline functions in include/CFastPaths.h); SwiftPM needs one source file. */
#include "CFastPaths.h"
