// Internal helpers for the CBridge translation units. Never included by CBridge.h.
#pragma once
#include "CBridge.h"

#include <cmath>
#include <cstddef>
#include <exception>
#include <string>

namespace cbridge {
/// Records the message returned by cb_last_error() on this thread.
void setLastError(const std::string &message);

/// Records `message` and returns `status`, for one-line early exits.
inline int fail(int status, const std::string &message) {
    setLastError(message);
    return status;
}

/// Runs `body` (returning a CB_* status) so that no C++ exception crosses the C boundary.
template <typename Body>
int guarded(const char *function, Body &&body) noexcept {
    try {
        return body();
    } catch (const std::exception &e) {
        return fail(CB_INTERNAL_ERROR, std::string(function) + ": " + e.what());
    } catch (...) {
        return fail(CB_INTERNAL_ERROR, std::string(function) + ": unknown C++ exception");
    }
}

/// The index of the first non-finite value among `count` doubles, or -1.
inline long firstNonFinite(const double *values, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        if (!std::isfinite(values[i])) return static_cast<long>(i);
    }
    return -1;
}
}  // namespace cbridge
