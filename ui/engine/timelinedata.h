#pragma once

#include <QColor>
#include <QString>
#include <QStringList>

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

/// Something that happened on a worker lane at one instant, or over a span: a steal (worker
/// took tasks from `fromWorker`) or a park (the worker slept from startNs to endNs).
struct TimelineMark
{
    /// Lost: the worker's trace ring was full from startNs to endNs (its events are missing).
    enum class Kind : std::uint8_t { Steal, Park, Lost };
    std::int64_t startNs;
    std::int64_t endNs; ///< = startNs for a steal
    int worker;
    int fromWorker;     ///< steals: the victim
    std::uint64_t task; ///< steals: the first task stolen
    Kind kind;
};

/// One wake: @p task was scheduled at @p timeNs by @p waker (0: a timer or outside), on
/// @p worker (-1: not on a worker). The timeline draws it as an arrow to the next poll.
struct TimelineWake
{
    std::int64_t timeNs;
    std::uint64_t task;
    std::uint64_t waker;
    int worker;
    bool byTimer;
};

/// The polls drained so far, for the timeline item (GUI thread only). Slices arrive in time
/// order per worker; old ones are dropped past `capacity` so memory stays bounded.
class TimelineData
{
public:
    static constexpr std::size_t capacity = 200000;
    static constexpr std::size_t markCapacity = 50000;

    /// Reserves the bounded lists whole: grown by doubling, a list's step from 131k to 262k
    /// slices moved 4 MB into freshly mapped pages inside one drain, which took 15-36 ms of a
    /// frame in the busiest scenario's first seconds. Reserved, the pages are touched one
    /// slice at a time as the list fills.
    TimelineData()
    {
        m_slices.reserve(capacity + 1);
        m_wakes.reserve(capacity + 1);
        m_marks.reserve(markCapacity + 1);
    }

    void clear();
    void setWorkerNames(const QStringList &names)
    {
        m_workerNames = names;
        ++m_revision;
    }
    [[nodiscard]] const QStringList &workerNames() const noexcept { return m_workerNames; }

    /// A poll started on @p worker at @p timeNs.
    void pollStarted(int worker, std::uint64_t task, std::int64_t timeNs);
    /// The open poll on @p worker ended at @p timeNs.
    void pollEnded(int worker, std::int64_t timeNs);
    /// @p worker stole tasks from @p victim (the first is @p task).
    void stole(int worker, int victim, std::uint64_t task, std::int64_t timeNs);
    /// @p worker went to sleep / woke up.
    void parked(int worker, std::int64_t timeNs);
    void unparked(int worker, std::int64_t timeNs);
    /// @p worker's ring lost events from @p fromNs to @p toNs: its open poll and park end at
    /// the gap (when they really ended is not known), and the gap is marked.
    void lost(int worker, std::int64_t fromNs, std::int64_t toNs);
    /// @p task was woken by @p waker (0: timer or outside) on @p worker.
    void woken(std::uint64_t task, std::uint64_t waker, int worker, bool byTimer, std::int64_t timeNs);
    /// The latest time seen.
    void advance(std::int64_t timeNs) { m_latestNs = std::max(m_latestNs, timeNs); }

    [[nodiscard]] const std::vector<TimelineSlice> &slices() const noexcept { return m_slices; }
    /// How many slices were dropped from the front of slices() since the last clear(): slice
    /// i of slices() is the (firstSliceSerial() + i)-th since then, so a reader can tell which
    /// it has already seen.
    [[nodiscard]] std::uint64_t firstSliceSerial() const noexcept { return m_slicesDropped; }
    /// Bumped by clear(): the serials start again.
    [[nodiscard]] std::uint64_t epoch() const noexcept { return m_epoch; }
    /// Polls still running: their slices grow to the latest time.
    [[nodiscard]] const std::vector<TimelineSlice> &openSlices() const noexcept { return m_open; }
    /// Steals and finished parks, in the order they were seen.
    [[nodiscard]] const std::vector<TimelineMark> &marks() const noexcept { return m_marks; }
    /// Parks still going on, per worker (startNs < 0: not parked).
    [[nodiscard]] const std::vector<std::int64_t> &openParks() const noexcept { return m_openParks; }
    [[nodiscard]] const std::vector<TimelineWake> &wakes() const noexcept { return m_wakes; }
    [[nodiscard]] std::int64_t latestNs() const noexcept { return m_latestNs; }
    /// Bumped on every change, so the item knows when to rebuild its geometry.
    [[nodiscard]] std::uint64_t revision() const noexcept { return m_revision; }

    /// The colour of a task: stable, distinct for neighbouring ids, readable on dark and light.
    [[nodiscard]] static QColor colorOf(std::uint64_t task);

private:
    template<typename T>
    static void keepBounded(std::vector<T> &items, std::size_t limit)
    {
        if (items.size() > limit)
            items.erase(items.begin(), items.begin() + std::ptrdiff_t(limit / 4));
    }

    std::vector<TimelineSlice> m_slices;
    std::vector<TimelineSlice> m_open; // index = worker; task 0 = idle
    std::vector<TimelineMark> m_marks;
    std::vector<std::int64_t> m_openParks; // index = worker
    std::vector<TimelineWake> m_wakes;
    QStringList m_workerNames;
    std::int64_t m_latestNs = 0;
    std::uint64_t m_revision = 0;
    std::uint64_t m_slicesDropped = 0;
    std::uint64_t m_epoch = 0;
};

} // namespace taskscope
