// Helpers shared by the translation units that run a Ceres solve. Never included by CBridge.h.
#pragma once
#include "CBridge.h"

#include <ceres/types.h>

namespace cbridge {
/// Maps Ceres' termination to the C header's CB_TERMINATION_* codes: running out of iterations is a
/// result the caller inspects, not an error.
inline int terminationOf(ceres::TerminationType type) {
    switch (type) {
    case ceres::CONVERGENCE:
    case ceres::USER_SUCCESS:
        return CB_TERMINATION_CONVERGED;
    case ceres::NO_CONVERGENCE:
        return CB_TERMINATION_MAX_ITERATIONS;
    default:
        return CB_TERMINATION_FAILURE;
    }
}
}  // namespace cbridge
