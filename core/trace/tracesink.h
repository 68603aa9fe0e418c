#pragma once

/// Trace hooks: the scheduler reports what it does to an optional TraceSink.
///
/// The sink is called on the worker that did the thing, inside the scheduler's hot path, so
/// it must be cheap and thread-safe. With no sink installed (the default) a hook costs one
/// load and a branch. The recording ring buffers, the task registry and the export build on
/// this (the tracing issue); tests use it to see the exact sequence of polls.

#include <cstdint>

namespace taskscope {

/// What happened.
enum class TraceKind : std::uint8_t {
    Spawn,     ///< task = the new task, object = parent task (0 from outside)
    PollStart, ///< task starts a poll on worker
    PollEnd,   ///< value = 1 when the task completed in this poll
    Complete,  ///< value = outcome (1 ok, 2 cancelled, 3 panicked)
    Steal,     ///< value = number of tasks stolen, object = victim worker
    Park,
    Unpark,
    TimerFire, ///< value = number of timers fired
    // Resource events: object = the primitive's object id (see sync/).
    Send,         ///< a value entered a channel; value = queue length after
    Receive,      ///< a value left a channel; value = queue length after
    Acquire,      ///< permits taken from a semaphore (or a lock); value = permits
    Release,      ///< permits given back; value = permits
    WaitBegin,    ///< task starts waiting on the object; value = waiters after
    WaitEnd,      ///< task stops waiting; value = 1 served, 0 cancelled or closed
    Notify,       ///< value = waiters woken
};

/// A short name for a kind, as the export and the UI show it.
constexpr const char *traceKindName(TraceKind kind) noexcept
{
    switch (kind) {
    case TraceKind::Spawn: return "spawn";
    case TraceKind::PollStart: return "poll-start";
    case TraceKind::PollEnd: return "poll-end";
    case TraceKind::Complete: return "complete";
    case TraceKind::Steal: return "steal";
    case TraceKind::Park: return "park";
    case TraceKind::Unpark: return "unpark";
    case TraceKind::TimerFire: return "timer-fire";
    case TraceKind::Send: return "send";
    case TraceKind::Receive: return "receive";
    case TraceKind::Acquire: return "acquire";
    case TraceKind::Release: return "release";
    case TraceKind::WaitBegin: return "wait-begin";
    case TraceKind::WaitEnd: return "wait-end";
    case TraceKind::Notify: return "notify";
    }
    return "?";
}

/// One fixed-size event.
struct TraceEvent
{
    std::int64_t timeNs;   ///< runtime clock
    TraceKind kind;
    std::int16_t worker;   ///< -1 when not on a worker
    std::uint64_t task;
    std::uint64_t object;
    std::int64_t value;
};

/// Receives events; implementations must be thread-safe and must not block.
class TraceSink
{
public:
    virtual ~TraceSink() = default;
    virtual void record(const TraceEvent &event) noexcept = 0;
};

} // namespace taskscope
