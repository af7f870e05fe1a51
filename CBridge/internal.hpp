// Internal helpers for the CBridge translation units. Never included by CBridge.h.
#pragma once
#include <string>

namespace cbridge {
/// Records the message returned by cb_last_error() on this thread.
void setLastError(const std::string &message);
}  // namespace cbridge
