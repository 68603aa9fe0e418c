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
};

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
