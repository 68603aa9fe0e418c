#pragma once

/// ThreadCpu: where a worker thread's time went during a long poll.
///
/// A poll that holds its worker for 300 ms has three possible stories, and the trace's wall
/// times alone can't tell them apart: the task computed for 300 ms (CPU work between awaits),
/// it called something that waited in the kernel (a sleep, a lock, a blocking read), or the
/// OS ran other threads on the CPU while the worker was ready (preemption, on a busy machine).
/// getrusage(RUSAGE_THREAD) tells them apart: the CPU time the thread used, its voluntary
/// context switches (it waited) and its involuntary ones (it was preempted).
///
/// One reading is a system call (1.1–1.4 µs on the VM where this was written), far more than
/// a poll, so a worker
/// keeps a window: it reads at a poll's start only when the window is older than
/// `refreshIntervalNs`, and a poll longer than `explainPollNs` closes the window with a second
/// reading and reports it. The window then starts at most `refreshIntervalNs` before the poll
/// (it may include the end of the polls before it), which is within a tenth of a poll long
/// enough to report. Parking restarts the window, so a park's wait never counts as a poll's.

#include <cstdint>
#include <limits>

#if defined(__linux__)
#include <sys/resource.h>
#endif

namespace taskscope::detail {

/// What one thread used: CPU time and context switches, since the thread started.
struct ThreadCpuReading
{
    std::int64_t cpuNs = 0;
    std::int64_t voluntary = 0;   ///< the thread waited (sleep, lock, I/O)
    std::int64_t involuntary = 0; ///< the OS preempted it
};

/// The calling thread's usage; false where the platform can't say.
inline bool readThreadCpu(ThreadCpuReading &out) noexcept
{
#if defined(__linux__)
    rusage usage{};
    if (::getrusage(RUSAGE_THREAD, &usage) != 0)
        return false;
    const auto ns = [](const timeval &tv) { return std::int64_t(tv.tv_sec) * 1'000'000'000 + std::int64_t(tv.tv_usec) * 1000; };
    out.cpuNs = ns(usage.ru_utime) + ns(usage.ru_stime);
    out.voluntary = usage.ru_nvcsw;
    out.involuntary = usage.ru_nivcsw;
    return true;
#else
    (void)out;
    return false;
#endif
}

/// A worker's usage window (owner thread only).
class ThreadCpuWindow
{
public:
    /// Polls shorter than this are not explained (the registry warns from 10 ms).
    static constexpr std::int64_t explainPollNs = 5'000'000;
    /// A window older than this is restarted at the next poll's start.
    static constexpr std::int64_t refreshIntervalNs = 500'000;

    /// Forget the window: the next poll starts a new one (after a park).
    void restart() noexcept { m_atNs = s_none; }

    /// At a poll's start (runtime-clock time @p nowNs): starts a new window if this one is old.
    void pollStarting(std::int64_t nowNs) noexcept
    {
        if (m_atNs == s_none || nowNs - m_atNs >= refreshIntervalNs)
            open(nowNs);
    }

    /// Closes the window at @p nowNs: what the thread used since it opened (false if it never
    /// did), and opens the next one.
    bool close(std::int64_t nowNs, ThreadCpuReading &used) noexcept
    {
        const bool had = m_atNs != s_none;
        const ThreadCpuReading before = m_start;
        open(nowNs);
        if (!had || m_atNs == s_none)
            return false;
        used.cpuNs = m_start.cpuNs - before.cpuNs;
        used.voluntary = m_start.voluntary - before.voluntary;
        used.involuntary = m_start.involuntary - before.involuntary;
        return true;
    }

private:
    void open(std::int64_t nowNs) noexcept { m_atNs = readThreadCpu(m_start) ? nowNs : s_none; }

    static constexpr std::int64_t s_none = std::numeric_limits<std::int64_t>::min();
    std::int64_t m_atNs = s_none;
    ThreadCpuReading m_start;
};

} // namespace taskscope::detail
