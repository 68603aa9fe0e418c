#pragma once

#include <QColor>
#include <QString>

#include <cstdint>
#include <vector>

namespace taskscope {

/// One poll on the timeline: a worker lane, a time span and the task it belongs to.
struct TimelineSlice
{
    std::int64_t startNs;
    std::int64_t endNs;
    std::uint64_t task;
    int worker;
};

/// The polls drained so far, for the timeline item (GUI thread only). Slices arrive in time
/// order per worker; old ones are dropped past `capacity` so memory stays bounded.
class TimelineData
{
public:
    static constexpr std::size_t capacity = 200000;

    void clear();
    void setWorkerNames(const QStringList &names) { m_workerNames = names; }
    [[nodiscard]] const QStringList &workerNames() const noexcept { return m_workerNames; }

    /// A poll started on @p worker at @p timeNs.
    void pollStarted(int worker, std::uint64_t task, std::int64_t timeNs);
    /// The open poll on @p worker ended at @p timeNs.
    void pollEnded(int worker, std::int64_t timeNs);
    /// The latest time seen.
    void advance(std::int64_t timeNs) { m_latestNs = std::max(m_latestNs, timeNs); }

    [[nodiscard]] const std::vector<TimelineSlice> &slices() const noexcept { return m_slices; }
    /// Polls still running: their slices grow to the latest time.
    [[nodiscard]] const std::vector<TimelineSlice> &openSlices() const noexcept { return m_open; }
    [[nodiscard]] std::int64_t latestNs() const noexcept { return m_latestNs; }
    /// Bumped on every change, so the item knows when to rebuild its geometry.
    [[nodiscard]] std::uint64_t revision() const noexcept { return m_revision; }

    /// The colour of a task: stable, distinct for neighbouring ids, readable on dark and light.
    [[nodiscard]] static QColor colorOf(std::uint64_t task);

private:
    std::vector<TimelineSlice> m_slices;
    std::vector<TimelineSlice> m_open; // index = worker; task 0 = idle
    QStringList m_workerNames;
    std::int64_t m_latestNs = 0;
    std::uint64_t m_revision = 0;
};

} // namespace taskscope
