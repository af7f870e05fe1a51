// Internal helpers for the CBridge translation units. Never included by CBridge.h.
#pragma once
#include "CBridge.h"

#include <cmath>
#include <cstddef>
#include <exception>
#include <string>
#include <thread>
#include <vector>

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

/// Runs body(0) … body(count − 1) on `count` threads (body(0) on the caller's) and rethrows the first exception, so
/// that an exception in a worker reaches `guarded` instead of terminating the process. The one way CBridge's
/// kernels (fusion, ray casting, mesh extraction) split work over threads.
template <typename Body>
void inParallel(int count, const Body &body) {
    std::vector<std::exception_ptr> errors(count);
    auto run = [&](int k) {
        try {
            body(k);
        } catch (...) {
            errors[k] = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    for (int k = 1; k < count; ++k) pool.emplace_back(run, k);
    run(0);
    for (auto &thread : pool) thread.join();
    for (const auto &error : errors) {
        if (error) std::rethrow_exception(error);
    }
}

}  // namespace cbridge
