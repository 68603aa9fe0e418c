#pragma once

/// What the engine records: fixed-size events (DESIGN.md decision 6).
///
/// Every event has the runtime-clock time, a kind, the worker it happened on (-1 elsewhere),
/// the task it concerns (0 for none), an object and a value whose meaning depends on the kind
/// (listed with each kind). Objects are primitives (channels, semaphores, …), counters, spans
/// and instants, named once through TraceRecorder::nameObject.

#include <bit>
#include <cstdint>
#include <optional>
#include <source_location>
#include <type_traits>

namespace taskscope {

/// What happened.
enum class TraceKind : std::uint8_t {
    Spawn,     ///< task = the new task, object = parent task (0 from outside); value = where it
               ///< was spawned (spawnSiteValue; read with spawnSiteOf). Its name, if it has one,
               ///< comes through TraceSink::describeTask
    PollStart, ///< task starts a poll on worker
    PollEnd,   ///< value = line << 1 | completed; object = the awaited file name (a static const char *)
    Complete,  ///< value = outcome (1 ok, 2 cancelled, 3 panicked)
    Wake,      ///< task was scheduled; object = waking task (0: outside or timer), value = 1 by a timer
    Steal,     ///< task = first stolen, object = victim worker, value = number of tasks stolen
    Park,      ///< the worker sleeps
    Unpark,    ///< the worker wakes
    TimerArm,  ///< task armed a timer; value = deadline (ns)
    TimerFire, ///< value = number of timers fired
    // Resources: object = the primitive's object id (see sync/).
    Send,      ///< a value entered a channel; value = queue length after
    Receive,   ///< a value left a channel; value = queue length after
    Acquire,   ///< permits taken from a semaphore (or a lock); value = permits
    Release,   ///< permits given back; value = permits
    WaitBegin, ///< task starts waiting on the object; value = waiters after
    WaitEnd,   ///< task stops waiting; value = 1 served, 0 cancelled or closed
    Notify,    ///< value = waiters woken
    // Instrumentation: object = a named counter, instant or span.
    Counter,   ///< a level (bucket tokens, free permits); value = the level
    Instant,   ///< a state change (a breaker opens); value = the new state's code
    SpanBegin, ///< a user span starts (the seed's timed_task)
    SpanEnd,   ///< it ends; value = its duration (ns)
    // Real clock only, after the PollEnd of a poll of 5 ms or more (runtime/impl/threadcpu.h):
    PollCpu,   ///< how the worker thread spent that poll: value = CPU time (ns); object =
               ///< voluntary context switches << 32 | involuntary ones (waits | preemptions)
    // Written by the recorder, not the runtime (trace/tracering.h):
    Lost,      ///< the worker's ring was full: `value` events were dropped here, from this time
               ///< to `object` (ns, the time of the first event kept after them)
};

inline constexpr int traceKindCount = int(TraceKind::Lost) + 1;

/// A short name for a kind, as the export and the UI show it.
constexpr const char *traceKindName(TraceKind kind) noexcept
{
    switch (kind) {
    case TraceKind::Spawn: return "spawn";
    case TraceKind::PollStart: return "poll-start";
    case TraceKind::PollEnd: return "poll-end";
    case TraceKind::Complete: return "complete";
    case TraceKind::Wake: return "wake";
    case TraceKind::Steal: return "steal";
    case TraceKind::Park: return "park";
    case TraceKind::Unpark: return "unpark";
    case TraceKind::TimerArm: return "timer-arm";
    case TraceKind::TimerFire: return "timer-fire";
    case TraceKind::Send: return "send";
    case TraceKind::Receive: return "receive";
    case TraceKind::Acquire: return "acquire";
    case TraceKind::Release: return "release";
    case TraceKind::WaitBegin: return "wait-begin";
    case TraceKind::WaitEnd: return "wait-end";
    case TraceKind::Notify: return "notify";
    case TraceKind::Counter: return "counter";
    case TraceKind::Instant: return "instant";
    case TraceKind::SpanBegin: return "span-begin";
    case TraceKind::SpanEnd: return "span-end";
    case TraceKind::PollCpu: return "poll-cpu";
    case TraceKind::Lost: return "lost";
    }
    return "?";
}

/// One fixed-size event (40 bytes).
struct TraceEvent
{
    std::int64_t timeNs;   ///< runtime clock
    std::uint64_t task;    ///< 0 for none
    std::uint64_t object;  ///< per kind
    std::int64_t value;    ///< per kind
    std::int16_t worker;   ///< -1 when not on a worker
    TraceKind kind;
};

// A Spawn event's spawn site. A std::source_location is a pointer to static data (file, line,
// function), so its bits fit the value field, and copied back they name the same site for as
// long as the program runs. With the site and the parent in the event, only a name is left to
// describe, and an unnamed task skips describeTask's lock: that lock was a third of what
// recording added per task in spawn_join.
static_assert(sizeof(std::source_location) == sizeof(std::int64_t) && std::is_trivially_copyable_v<std::source_location>,
              "a spawn site must fit a TraceEvent's value");

/// The value of a Spawn event for a task spawned at @p site (0 for none).
inline std::int64_t spawnSiteValue(std::source_location site) noexcept
{
    return std::bit_cast<std::int64_t>(site);
}
/// Where a Spawn event says its task was spawned (nothing for an event built without a site).
inline std::optional<std::source_location> spawnSiteOf(const TraceEvent &event) noexcept
{
    if (event.kind != TraceKind::Spawn || event.value == 0)
        return std::nullopt;
    return std::bit_cast<std::source_location>(event.value);
}

/// A PollCpu event's object field: the two context-switch counts, 32 bits each.
constexpr std::uint64_t pollCpuSwitches(std::int64_t waits, std::int64_t preemptions) noexcept
{
    const auto clamp = [](std::int64_t n) { return std::uint64_t(n < 0 ? 0 : n > 0xffffffff ? 0xffffffff : n); };
    return clamp(waits) << 32 | clamp(preemptions);
}
/// Voluntary context switches during a PollCpu event's poll: the thread waited in the kernel.
constexpr std::uint32_t pollCpuWaits(const TraceEvent &event) noexcept { return std::uint32_t(event.object >> 32); }
/// Involuntary ones: the OS preempted the thread.
constexpr std::uint32_t pollCpuPreemptions(const TraceEvent &event) noexcept
{
    return std::uint32_t(event.object & 0xffffffffu);
}

} // namespace taskscope
