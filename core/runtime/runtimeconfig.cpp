#include "runtimeconfig.h"

namespace taskscope {

RuntimeConfig RuntimeConfig::deterministic(std::uint64_t seed)
{
    RuntimeConfig config;
    config.workerThreads = 1;
    config.clockMode = ClockMode::Virtual;
    config.rngSeed = seed;
    return config;
}

QString RuntimeConfig::validate() const
{
    if (workerThreads < minWorkerThreads || workerThreads > maxWorkerThreads)
        return QStringLiteral("workerThreads is %1; valid range is %2–%3")
            .arg(workerThreads).arg(minWorkerThreads).arg(maxWorkerThreads);
    if (threadName.isEmpty() || threadName.size() > maxThreadNameLength)
        return QStringLiteral("threadName \"%1\" has %2 characters; it needs 1–%3 so that "
                              "\"%1-%4\" fits the 15 characters Linux keeps")
            .arg(threadName).arg(threadName.size()).arg(maxThreadNameLength).arg(maxWorkerThreads - 1);
    if (threadStackSize != 0 && (threadStackSize < minThreadStackSize || threadStackSize > maxThreadStackSize))
        return QStringLiteral("threadStackSize is %1 bytes; valid values are 0 (OS default) "
                              "or %2–%3 bytes")
            .arg(threadStackSize).arg(minThreadStackSize).arg(maxThreadStackSize);
    if (workerNiceness < 0 || workerNiceness > maxWorkerNiceness)
        return QStringLiteral("workerNiceness is %1; valid range is 0–%2").arg(workerNiceness).arg(maxWorkerNiceness);
    if (!(timeScale >= minTimeScale && timeScale <= maxTimeScale))
        return QStringLiteral("timeScale is %1; valid range is %2–%3")
            .arg(timeScale).arg(minTimeScale).arg(maxTimeScale);
    return {};
}

QString RuntimeConfig::workerName(int index) const
{
    return QStringLiteral("%1-%2").arg(threadName).arg(index);
}

} // namespace taskscope
