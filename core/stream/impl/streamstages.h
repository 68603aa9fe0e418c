#pragma once

// The built-in stages behind Stream<T>'s factories and combinators (included by stream.h).
//
// Implementation notes
// --------------------
// Every stage is a StreamSource on the heap that owns its upstream Stream, so a chain is a
// singly linked list from the consumer back to the source and destroying the outer stream
// destroys the whole chain. A stage's next() awaits its upstream's next() inline (Task
// awaiting is symmetric transfer), so pulling one item through n stages is one chain of n
// nested coroutines on the consumer's task: no spawning, no buffering, and an item is fully
// processed before the next one is pulled. Stages hold no locks: a stream has one consumer,
// and the Task contract (a next() finishes before the next is started) keeps each stage's
// state owned by whoever is awaiting it.
//
// The cooperative budget: a loop that pulls items which are all ready (collect, filter, a
// `while (auto item = co_await stream.next())`) never suspends, so it would hold its worker
// for the whole stream and, where the compiler does not turn symmetric transfer into a tail
// call (GCC at -O0), grow the stack with every item until it overflows. So every
// kPullBudget-th Stream::next() first yields: the task goes back to the run queue, other
// tasks get the worker, and it resumes on a fresh stack. Virtual time does not move.

#include "runtime/yieldnow.h"
#include "trace/tracecounter.h"

namespace taskscope::detail {

/// The optional trace of a stage: how many items it has passed on, as "stage <name>".
class StageCounter
{
public:
    explicit StageCounter(const QString &stageName)
    {
        if (!stageName.isEmpty())
            m_counter.emplace(QStringLiteral("stage %1").arg(stageName));
    }
    /// One more item left the stage.
    void passed() noexcept
    {
        ++m_items;
        if (m_counter)
            m_counter->set(m_items);
    }

private:
    std::optional<TraceCounter> m_counter;
    std::int64_t m_items = 0;
};

/// The latest item a named stage passed on, as "stage <name> last" (or "stage <name> dropped
/// last" for the items a filter refused), for integral items only (a counter holds a number);
/// other item types record nothing here. A page labels the item it sees move with it.
template<typename T>
class LastItemCounter
{
public:
    explicit LastItemCounter(const QString &stageName)
    {
        if constexpr (std::is_integral_v<T>) {
            if (!stageName.isEmpty())
                m_counter.emplace(QStringLiteral("stage %1 last").arg(stageName));
        }
    }
    void took(const T &item) const noexcept
    {
        if constexpr (std::is_integral_v<T>) {
            if (m_counter)
                m_counter->set(std::int64_t(item));
        }
    }

private:
    std::optional<TraceCounter> m_counter;
};

/// The items of a range, kept by value.
template<typename Range>
class IterSource final : public StreamSource<std::ranges::range_value_t<Range>>
{
public:
    using Item = std::ranges::range_value_t<Range>;

    IterSource(Range range, const QString &stageName)
        : m_range(std::move(range))
        , m_counter(stageName)
        , m_last(stageName)
    {
    }

    Task<std::optional<Item>> next() override
    {
        // begin() only on the first pull: the range is not touched before then.
        if (!m_position)
            m_position = std::ranges::begin(m_range);
        if (*m_position == std::ranges::end(m_range))
            co_return std::nullopt;
        std::optional<Item> item(*(*m_position));
        ++*m_position;
        // The value first: a page that sees the count go up reads the item it counted.
        m_last.took(*item);
        m_counter.passed();
        co_return item;
    }

private:
    Range m_range;
    std::optional<std::ranges::iterator_t<Range>> m_position;
    StageCounter m_counter;
    LastItemCounter<Item> m_last;
};

template<typename T, typename U, typename F>
class MapStage final : public StreamSource<U>
{
public:
    MapStage(Stream<T> upstream, F f, const QString &stageName)
        : m_upstream(std::move(upstream))
        , m_f(std::move(f))
        , m_counter(stageName)
        , m_last(stageName)
    {
    }

    Task<std::optional<U>> next() override
    {
        std::optional<T> item = co_await m_upstream.next();
        if (!item)
            co_return std::nullopt;
        std::optional<U> mapped(std::invoke(m_f, std::move(*item)));
        m_last.took(*mapped);
        m_counter.passed();
        co_return mapped;
    }

private:
    Stream<T> m_upstream;
    F m_f;
    StageCounter m_counter;
    LastItemCounter<U> m_last;
};

template<typename T, typename F>
class FilterStage final : public StreamSource<T>
{
public:
    FilterStage(Stream<T> upstream, F predicate, const QString &stageName)
        : m_upstream(std::move(upstream))
        , m_predicate(std::move(predicate))
        , m_counter(stageName)
        , m_dropped(stageName.isEmpty() ? QString() : stageName + QStringLiteral(" dropped"))
        , m_last(stageName)
        , m_lastDropped(stageName.isEmpty() ? QString() : stageName + QStringLiteral(" dropped"))
    {
    }

    Task<std::optional<T>> next() override
    {
        while (std::optional<T> item = co_await m_upstream.next()) {
            if (std::invoke(m_predicate, std::as_const(*item))) {
                m_last.took(*item);
                m_counter.passed();
                co_return item;
            }
            m_lastDropped.took(*item);
            m_dropped.passed();
        }
        co_return std::nullopt;
    }

private:
    Stream<T> m_upstream;
    F m_predicate;
    StageCounter m_counter;
    StageCounter m_dropped; ///< "stage <name> dropped": the items the predicate refused
    LastItemCounter<T> m_last;
    LastItemCounter<T> m_lastDropped; ///< "stage <name> dropped last"
};

template<typename T, typename U, typename F>
class ThenStage final : public StreamSource<U>
{
public:
    ThenStage(Stream<T> upstream, F f, const QString &stageName)
        : m_upstream(std::move(upstream))
        , m_f(std::move(f))
        , m_counter(stageName)
        , m_last(stageName)
    {
    }

    Task<std::optional<U>> next() override
    {
        std::optional<T> item = co_await m_upstream.next();
        if (!item)
            co_return std::nullopt;
        // m_f lives in the stage, so a capturing coroutine lambda's captures outlive its task.
        std::optional<U> result(co_await std::invoke(m_f, std::move(*item)));
        m_last.took(*result);
        m_counter.passed();
        co_return result;
    }

private:
    Stream<T> m_upstream;
    F m_f;
    StageCounter m_counter;
    LastItemCounter<U> m_last;
};

template<typename T>
class TakeStage final : public StreamSource<T>
{
public:
    TakeStage(Stream<T> upstream, std::size_t count, const QString &stageName)
        : m_upstream(std::move(upstream))
        , m_remaining(count)
        , m_counter(stageName)
    {
    }

    Task<std::optional<T>> next() override
    {
        if (m_remaining == 0)
            co_return std::nullopt;
        std::optional<T> item = co_await m_upstream.next();
        if (!item) {
            m_remaining = 0;
            co_return std::nullopt;
        }
        --m_remaining;
        m_counter.passed();
        co_return item;
    }

private:
    Stream<T> m_upstream;
    std::size_t m_remaining;
    StageCounter m_counter;
};

/// Awaits every item of @p stream (owned by this frame, so nothing dangles); a named collect
/// counts the items it took and records the latest (see Stream::collect).
template<typename T>
Task<std::vector<T>> collectAll(Stream<T> stream, QString stageName)
{
    StageCounter counter(stageName);
    const LastItemCounter<T> last(stageName);
    std::vector<T> items;
    while (std::optional<T> item = co_await stream.next()) {
        // The value first: a page that sees the count go up reads the item it counted.
        last.took(*item);
        counter.passed();
        items.push_back(std::move(*item));
    }
    co_return items;
}

/// Pulls a stream may make in a row before it yields (Tokio's coop budget is 128 polls; fewer
/// keeps the stack small enough for a 16 KiB worker stack at -O0).
inline constexpr unsigned kPullBudget = 32;

/// Yields to the worker's other tasks, then pulls from @p source (heap-owned, so stable).
template<typename T>
Task<std::optional<T>> yieldThenNext(StreamSource<T> &source)
{
    co_await yieldNow();
    co_return co_await source.next();
}

/// An already-finished "no more items".
template<typename T>
Task<std::optional<T>> endOfStream()
{
    co_return std::nullopt;
}

} // namespace taskscope::detail

namespace taskscope {

template<typename T>
Task<std::optional<T>> Stream<T>::next()
{
    if (!m_source)
        return detail::endOfStream<T>();
    if (++m_pullsSinceYield < detail::kPullBudget)
        return m_source->next();
    m_pullsSinceYield = 0;
    return detail::yieldThenNext(*m_source);
}

template<typename T>
template<typename F>
auto Stream<T>::map(F f, QString stageName) &&
{
    using U = std::decay_t<std::invoke_result_t<F &, T &&>>;
    return Stream<U>(std::make_unique<detail::MapStage<T, U, F>>(std::move(*this), std::move(f), stageName));
}

template<typename T>
template<typename F>
Stream<T> Stream<T>::filter(F predicate, QString stageName) &&
{
    return Stream(std::make_unique<detail::FilterStage<T, F>>(std::move(*this), std::move(predicate), stageName));
}

template<typename T>
template<typename F>
auto Stream<T>::then(F f, QString stageName) &&
{
    using U = typename std::invoke_result_t<F &, T &&>::value_type;
    return Stream<U>(std::make_unique<detail::ThenStage<T, U, F>>(std::move(*this), std::move(f), stageName));
}

template<typename T>
Stream<T> Stream<T>::take(std::size_t count, QString stageName) &&
{
    return Stream(std::make_unique<detail::TakeStage<T>>(std::move(*this), count, stageName));
}

template<typename T>
Task<std::vector<T>> Stream<T>::collect(QString stageName) &&
{
    return detail::collectAll(std::move(*this), std::move(stageName));
}

template<std::ranges::input_range Range>
auto iter(Range range, QString stageName)
{
    using Item = std::ranges::range_value_t<Range>;
    return Stream<Item>(std::make_unique<detail::IterSource<Range>>(std::move(range), stageName));
}

} // namespace taskscope
