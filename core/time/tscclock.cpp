#include "time/impl/tscclock.h"
#include "runtime/impl/loom.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace taskscope::detail {

namespace {

bool kernelTrustsCounter()
{
    if (const char *forced = std::getenv("TASKSCOPE_CLOCK"); forced && std::strcmp(forced, "steady") == 0)
        return false;
    std::ifstream source("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string name;
    if (!(source >> name) || name != "tsc")
        return false;
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("flags", 0) != 0)
            continue;
        std::istringstream words(line);
        bool constant = false;
        bool nonstop = false;
        for (std::string word; words >> word;) {
            constant = constant || word == "constant_tsc";
            nonstop = nonstop || word == "nonstop_tsc";
        }
        return constant && nonstop;
    }
    return false;
}

} // namespace

TscClock::Calibration TscClock::calibrate() noexcept
{
    Calibration calibration;
#if defined(__x86_64__)
    try {
        if (!kernelTrustsCounter())
            return calibration;
    } catch (...) {
        return calibration;
    }
    struct Pair
    {
        std::uint64_t ticks;
        std::int64_t ns;
    };
    // The tightest of a few brackets: a preemption or a cold vDSO page between the two
    // counter reads would put the midpoint far from the steady read.
    auto sample = [] {
        Pair best{0, 0};
        std::uint64_t bestWidth = ~std::uint64_t(0);
        for (int attempt = 0; attempt < 16; ++attempt) {
            const std::uint64_t before = __rdtsc();
            const std::int64_t ns = steadyNs();
            const std::uint64_t after = __rdtsc();
            if (after - before < bestWidth) {
                bestWidth = after - before;
                best = {before + (after - before) / 2, ns};
            }
        }
        return best;
    };
    const Pair first = sample();
    while (steadyNs() - first.ns < 2'000'000)
        detail::spinPause();
    const Pair second = sample();
    const auto ticks = std::int64_t(second.ticks - first.ticks);
    if (ticks <= 0)
        return calibration;
    const auto rate = std::int64_t((__int128(second.ns - first.ns) << 32) / ticks);
    if (rate <= 0)
        return calibration;
    calibration.nsPerTickQ32 = rate;
    calibration.baseTicks = first.ticks;
    calibration.baseNs = first.ns;
    calibration.useCounter = true;
#endif
    return calibration;
}

} // namespace taskscope::detail
