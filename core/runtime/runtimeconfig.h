#pragma once

#include <QString>

#include <cstddef>
#include <cstdint>

namespace taskscope {

/// How the runtime's clock advances.
enum class ClockMode {
    Real,   ///< steady wall-clock time, scaled by timeScale, pausable
    Virtual ///< jumps to the next timer deadline whenever nothing can run
};

/// Everything a Runtime needs before its workers start (Tokio's runtime::Builder).
struct RuntimeConfig
{
    static constexpr int minWorkerThreads = 1;
    static constexpr int maxWorkerThreads = 64;
    static constexpr double minTimeScale = 0.01;
    static constexpr double maxTimeScale = 100.0;
    /// Linux keeps 15 characters of a thread name; "prefix-63" must fit.
    static constexpr int maxThreadNameLength = 12;
    /// Below this glibc refuses a thread stack outright (PTHREAD_STACK_MIN).
    static constexpr std::size_t minThreadStackSize = 16 * 1024;
    /// QThread takes the stack size as a 32-bit unsigned value.
    static constexpr std::size_t maxThreadStackSize = 0xFFFFFFFFu;

    /// Number of worker threads, 1–64.
    int workerThreads = 2;
    /// Workers are named "<threadName>-0", "<threadName>-1", … as the OS shows them.
    QString threadName = QStringLiteral("ts-worker");
    /// Stack size of each worker in bytes; 0 keeps the OS default.
    std::size_t threadStackSize = 0;
    static constexpr int maxWorkerNiceness = 19;
    /// How much lower than the process the workers run (Linux nice steps, 0–19; ignored
    /// elsewhere). The GUI sets a few: a scenario that keeps every worker busy then still
    /// leaves the GUI thread its frames instead of sharing the cores with it evenly.
    int workerNiceness = 0;
    /// Real or virtual time.
    ClockMode clockMode = ClockMode::Real;
    /// Real mode: runtime seconds per wall second (0.5 = slow motion). Virtual mode with
    /// pacing: the most virtual time that may pass per wall second.
    double timeScale = 1.0;
    /// Virtual mode only: when true, jumps to the next deadline are paced so that virtual
    /// time runs no faster than timeScale × wall time (watchable in the GUI). When false,
    /// jumps happen at once (tests, headless runs).
    bool pacedVirtualTime = false;
    /// Seed of the runtime's random number generator (Runtime::random()).
    std::uint64_t rngSeed = 0;

    /// One worker, virtual time, seeded RNG: the same program gives the same polls every time.
    [[nodiscard]] static RuntimeConfig deterministic(std::uint64_t seed = 0);

    /// An empty string when every field is in range; otherwise one sentence naming the
    /// first bad parameter, its value and its valid range.
    [[nodiscard]] QString validate() const;

    /// The OS name of worker @p index.
    [[nodiscard]] QString workerName(int index) const;
};

} // namespace taskscope
