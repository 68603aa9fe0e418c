// Memory benchmarks (issue #28): bytes per spawned task, and bytes per recorded event that the
// window keeps. One JSON line per figure, as bench_runtime prints them.
//
// The frame size of a coroutine is known only to the compiler, so this executable is linked
// with --wrap=allocateFromPool (CMakeLists.txt): every pool allocation goes through
// the wrapper below first, which notes the size asked for. That costs a branch per allocation,
// which is why these figures live in an executable of their own and bench_runtime's timings
// are taken without it.

#include "benchsupport.h"

#include "engine/timelinedata.h"
#include "runtime/impl/framepoolstats.h"
#include "runtime/runtime.h"
#include "trace/taskregistry.h"
#include "trace/tracerecorder.h"

#include <QCoreApplication>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <vector>

using namespace taskscope;
using namespace taskscope::bench;
using namespace std::chrono_literals;

namespace {
/// While set, the size of each pool allocation on any thread is stored here.
std::atomic<std::size_t *> s_noteSize{nullptr};
} // namespace

// Mangled taskscope::detail::allocateFromPool(std::size_t), as --wrap names it.
extern "C" void *__real__ZN9taskscope6detail16allocateFromPoolEm(std::size_t size);
extern "C" void *__wrap__ZN9taskscope6detail16allocateFromPoolEm(std::size_t size)
{
    if (std::size_t *note = s_noteSize.load(std::memory_order_relaxed)) [[unlikely]]
        *note = size;
    return __real__ZN9taskscope6detail16allocateFromPoolEm(size);
}

namespace {

Task<int> trivial(int value)
{
    co_return value;
}

/// The bytes the frame of trivial(int) asks for.
std::size_t trivialFrameSize()
{
    std::size_t size = 0;
    s_noteSize.store(&size);
    Task<int> task = trivial(1); // allocates the frame; never run, destroyed here
    s_noteSize.store(nullptr);
    return size;
}

/// Every event of a run of @p shape, kept in rings large enough to hold the whole run (the
/// figure is about what the window keeps, not about what a ring may drop).
std::vector<TraceEvent> recordRun(const std::function<void(Runtime &)> &shape, std::uint64_t *dropped)
{
    TraceRecorder recorder(2, std::size_t(1) << 19);
    {
        Runtime runtime(twoWorkers());
        runtime.setTraceSink(&recorder);
        shape(runtime);
    }
    std::vector<TraceEvent> all = recorder.drain();
    *dropped = recorder.eventsDropped();
    return all;
}

/// Bytes the heap holds now (glibc's count of allocated bytes).
std::size_t heapInUse()
{
    return mallinfo2().uordblks;
}

/// What the window keeps of @p events: they go, a frame's worth at a time, into the task
/// registry and the timeline, as EngineController::applyEvents feeds them (the event log keeps
/// its newest 500 lines whatever comes, and the pattern panels keep levels and sketches per
/// object, so neither grows with events). Bytes per event: the registry's heap growth plus
/// the timeline entries made (its lists are reserved whole when the window opens).
struct Held
{
    double bytesPerEvent = 0;
    double registryBytesPerEvent = 0;
    double timelineBytesPerEvent = 0;
    std::size_t timelineReservedBytes = 0;
};

Held heldByWindow(const std::vector<TraceEvent> &events)
{
    TaskRegistry registry;
    TimelineData timeline;
    timeline.setWorkerNames({QStringLiteral("bench-0"), QStringLiteral("bench-1")});
    const std::size_t before = heapInUse();
    constexpr std::size_t frame = 20000;
    for (std::size_t at = 0; at < events.size(); at += frame) {
        const std::vector<TraceEvent> chunk(events.begin() + std::ptrdiff_t(at),
                                            events.begin() + std::ptrdiff_t(std::min(events.size(), at + frame)));
        registry.apply(chunk);
        for (const TraceEvent &event : chunk) {
            switch (event.kind) { // as EngineController::applyEvents
            case TraceKind::PollStart: timeline.pollStarted(event.worker, event.task, event.timeNs); break;
            case TraceKind::PollEnd: timeline.pollEnded(event.worker, event.timeNs); break;
            case TraceKind::Steal: timeline.stole(event.worker, int(event.object), event.task, event.timeNs); break;
            case TraceKind::Park: timeline.parked(event.worker, event.timeNs); break;
            case TraceKind::Unpark: timeline.unparked(event.worker, event.timeNs); break;
            case TraceKind::Lost: timeline.lost(event.worker, event.timeNs, std::int64_t(event.object)); break;
            case TraceKind::Wake:
                timeline.woken(event.task, event.object, event.worker, event.value == 1, event.timeNs);
                break;
            default: timeline.advance(event.timeNs); break;
            }
        }
        registry.prune(registry.lastEventTime()); // as refreshSlowViews does (5 s retention)
    }
    const double registryBytes = double(heapInUse()) - double(before);
    const double timelineBytes = double(timeline.slices().size() * sizeof(TimelineSlice)
                                        + timeline.wakes().size() * sizeof(TimelineWake)
                                        + timeline.marks().size() * sizeof(TimelineMark));
    const auto count = double(events.size());
    Held held;
    held.registryBytesPerEvent = registryBytes / count;
    held.timelineBytesPerEvent = timelineBytes / count;
    held.bytesPerEvent = (registryBytes + timelineBytes) / count;
    held.timelineReservedBytes = (TimelineData::capacity + 1) * (sizeof(TimelineSlice) + sizeof(TimelineWake))
        + (TimelineData::markCapacity + 1) * sizeof(TimelineMark);
    return held;
}

Task<long long> joinAll(std::vector<JoinHandle<int>> &handles)
{
    long long sum = 0;
    for (auto &handle : handles)
        sum += co_await handle.join();
    co_return sum;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    // A spawned task: its header (TaskCore<int>: the header and the value's slot) and the
    // frame of its coroutine, each a block of the calling thread's pool.
    const std::size_t headerSize = sizeof(detail::TaskCore<int>);
    const std::size_t headerBlock = detail::poolBlockSize(headerSize);
    const std::size_t frameSize = trivialFrameSize();
    const std::size_t frameBlock = detail::poolBlockSize(frameSize);
    printLine("memory_per_task", "bytes", double(headerBlock + frameBlock), "none", 0, 0,
              field("header_sizeof", double(headerSize), 0) + field("header_block", double(headerBlock), 0)
                  + field("frame_size", double(frameSize), 0) + field("frame_block", double(frameBlock), 0)
                  + field("registry_row", double(sizeof(detail::TaskRow)), 0));

    // A recorded event: 40 bytes in its worker's ring until a frame drains it; what the window
    // keeps after that, for two mixes of events.
    const double ringBytes = double(TraceRecorder::defaultRingCapacity * sizeof(TraceEvent));
    struct Mix
    {
        const char *name;
        std::function<void(Runtime &)> shape;
    };
    const Mix mixes[] = {
        {"actor_20k_round_trips", [](Runtime &runtime) { (void)actorRoundTrips(runtime, 20000); }},
        {"spawn_join_20k", [](Runtime &runtime) {
             std::vector<JoinHandle<int>> handles;
             for (int i = 0; i < 20000; ++i)
                 handles.push_back(runtime.spawn(trivial(i)));
             (void)runtime.blockOn(joinAll(handles));
         }},
    };
    for (const Mix &mix : mixes) {
        std::uint64_t dropped = 0;
        const std::vector<TraceEvent> events = recordRun(mix.shape, &dropped);
        const Held held = heldByWindow(events);
        printLine("window_bytes_per_event", "bytes/event", held.bytesPerEvent, "none", 0, 0,
                  field("mix", QString::fromLatin1(mix.name)) + field("events", double(events.size()), 0)
                      + field("events_dropped", double(dropped), 0)
                      + field("registry", held.registryBytesPerEvent) + field("timeline", held.timelineBytesPerEvent)
                      + field("event_sizeof", double(sizeof(TraceEvent)), 0)
                      + field("ring_bytes_per_worker", ringBytes, 0)
                      + field("timeline_reserved_bytes", double(held.timelineReservedBytes), 0));
    }
    return 0;
}
