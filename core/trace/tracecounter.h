#pragma once

/// Named levels and state changes for the trace: a token bucket's level, a breaker's state.
///
/// ```
/// TraceCounter tokens(QStringLiteral("bucket tokens"));
/// tokens.set(7);                        // a "C" counter sample in the export
/// TraceInstant breaker(QStringLiteral("breaker"));
/// breaker.mark(2);                      // an "i" instant: state 2 (open)
/// ```
/// Both record from the calling task's runtime, when a trace sink is installed.

#include "sync/impl/tracedobject.h"

#include <QString>

namespace taskscope {

/// A level sampled over time (Counter events).
class TraceCounter
{
public:
    explicit TraceCounter(QString name)
        : m_object(std::move(name))
    {
    }
    /// Records the level @p value now.
    void set(std::int64_t value) const noexcept { m_object.trace(TraceKind::Counter, value); }
    [[nodiscard]] std::uint64_t objectId() const noexcept { return m_object.id(); }

private:
    detail::TracedObject m_object;
};

/// A state change worth a mark on the timeline (Instant events).
class TraceInstant
{
public:
    explicit TraceInstant(QString name)
        : m_object(std::move(name))
    {
    }
    /// Records that the state became @p code now.
    void mark(std::int64_t code) const noexcept { m_object.trace(TraceKind::Instant, code); }
    [[nodiscard]] std::uint64_t objectId() const noexcept { return m_object.id(); }

private:
    detail::TracedObject m_object;
};

} // namespace taskscope
