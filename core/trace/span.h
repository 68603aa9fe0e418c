#pragma once

/// User spans: named regions of a task's time, recorded as SpanBegin/SpanEnd events (the
/// seed's `timed_task` and its `#[instrument]`ed `expensive_operation`).
///
/// ```
/// Task<QString> expensiveOperation(int id)
/// {
///     Span span(QStringLiteral("expensive_operation"));   // recorded while it lives
///     co_await sleep(100ms);
///     co_return QStringLiteral("Result for %1").arg(id);
/// }
/// QString result = co_await timedTask(QStringLiteral("work"), expensiveOperation(42));
/// ```
/// Spans nest and may cross awaits; the recorded duration is on the runtime clock.

#include "runtime/task.h"
#include "sync/impl/tracedobject.h"
#include "time/clock.h"

#include <QString>

#include <source_location>

namespace taskscope {

/// Records a named span from construction to destruction on the current task.
class Span
{
public:
    explicit Span(QString name)
        : m_object(std::move(name))
    {
        detail::TaskHeader *task = detail::TaskHeader::current();
        if (task) {
            m_start = task->scheduler()->clock().now();
            // Named now: a span is usually gone before the trace is drained.
            task->scheduler()->nameObject(m_object.id(), m_object.name());
        }
        m_object.trace(TraceKind::SpanBegin, 0);
    }
    Span(const Span &) = delete;
    Span &operator=(const Span &) = delete;
    ~Span()
    {
        detail::TaskHeader *task = detail::TaskHeader::current();
        const Duration length = task ? task->scheduler()->clock().now() - m_start : Duration::zero();
        m_object.trace(TraceKind::SpanEnd, length.count());
    }

    /// The span's object id in the trace.
    [[nodiscard]] std::uint64_t objectId() const noexcept { return m_object.id(); }
    /// Runtime time since the span began.
    [[nodiscard]] Duration elapsed() const
    {
        detail::TaskHeader *task = detail::TaskHeader::current();
        return task ? task->scheduler()->clock().now() - m_start : Duration::zero();
    }

private:
    detail::TracedObject m_object;
    Instant m_start{};
};

/// Runs @p task inside a span named @p name and gives its value (the seed's timed_task).
/// @p elapsed, when given, receives the runtime time the task took.
template<typename T>
[[nodiscard]] Task<T> timedTask(QString name, Task<T> task, Duration *elapsed = nullptr)
{
    Span span(std::move(name));
    struct Report
    {
        Span &span;
        Duration *out;
        ~Report()
        {
            if (out)
                *out = span.elapsed();
        }
    } report{span, elapsed};
    co_return co_await std::move(task);
}

} // namespace taskscope
