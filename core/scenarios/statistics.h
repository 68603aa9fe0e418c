#pragma once

#include "time/clock.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace taskscope {

/// The nearest-rank @p percent percentile of @p sorted durations, in milliseconds (0 when
/// empty): the figure the scenarios report as *_p50 / *_p99.
inline double percentileMs(const std::vector<Duration> &sorted, double percent)
{
    if (sorted.empty())
        return 0;
    const auto rank = std::size_t(std::ceil(percent / 100.0 * double(sorted.size())));
    const Duration value = sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
    return std::chrono::duration<double, std::milli>(value).count();
}

} // namespace taskscope
