// Error plumbing shared by every CBridge entry point: a thread-local message behind cb_last_error().
#include "CBridge.h"
#include "internal.hpp"

#include <ceres/version.h>
#include <string>

namespace {
thread_local std::string lastError;
}  // namespace

void cbridge::setLastError(const std::string &message) { lastError = message; }

extern "C" const char *cb_last_error(void) { return lastError.c_str(); }

extern "C" const char *cb_ceres_version(void) { return CERES_VERSION_STRING; }
