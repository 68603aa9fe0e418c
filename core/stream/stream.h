#pragma once

/// Async streams: lazy pull pipelines of items (the seed's `tokio_stream` section).
///
/// `iter()` makes a stream of a range or container, `Stream<T>::from<Source>()` one of a custom
/// StreamSource (e.g. NumberStream). Combinators consume a stream and give a new one: `map` and
/// `filter` take synchronous functions, `then` an asynchronous one (returning Task<U>), `take`
/// stops after n items; `collect` awaits every item into a vector. Nothing runs until a
/// next() (or collect()) is awaited, and each item flows through the whole chain before the
/// next one is pulled.
///
/// ```
/// std::vector<int> doubled = co_await iter(std::views::iota(1, 11))
///                                .map([](int x) { return x * 2; }, QStringLiteral("map"))
///                                .filter([](int x) { return x > 5; })
///                                .collect();               // 6, 8, …, 20
/// ```
/// A stage given a name records a TraceCounter "stage <name>" with the items it has passed on,
/// so the timeline shows the items flowing ("stage map: 7"). A named filter also counts the
/// items it refused ("stage <name> dropped"). When items are integers, every named stage also
/// records the latest item it passed on ("stage <name> last"; a filter's refused ones as
/// "stage <name> dropped last"), set before its count goes up.

#include "runtime/task.h"
#include "stream/streamsource.h"

#include <QString>

#include <concepts>
#include <functional>
#include <cstddef>
#include <memory>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>
#include <vector>

namespace taskscope {

/// A lazy, single-consumer async stream of T (see the header overview).
template<typename T>
class [[nodiscard]] Stream
{
public:
    using value_type = T;

    /// An empty stream (ends at once).
    Stream() = default;
    /// A stream pulling from @p source.
    explicit Stream(std::unique_ptr<StreamSource<T>> source) noexcept
        : m_source(std::move(source))
    {
    }

    /// A stream of a custom source, constructed in place from @p args.
    template<std::derived_from<StreamSource<T>> Source, typename... Args>
    [[nodiscard]] static Stream from(Args &&...args)
    {
        return Stream(std::make_unique<Source>(std::forward<Args>(args)...));
    }

    /// The next item, or nothing once the stream has ended; the stream must outlive the task.
    /// Every few dozen pulls it first yields to the worker's other tasks (Tokio's coop budget).
    [[nodiscard]] Task<std::optional<T>> next();

    /// Applies @p f (T → U) to each item.
    template<typename F>
    [[nodiscard]] auto map(F f, QString stageName = {}) &&;
    /// Keeps the items for which @p predicate (const T& → bool) holds.
    template<typename F>
    [[nodiscard]] Stream filter(F predicate, QString stageName = {}) &&;
    /// Awaits @p f (T → Task<U>) for each item, one at a time, and gives its results.
    template<typename F>
    [[nodiscard]] auto then(F f, QString stageName = {}) &&;
    /// Ends after the first @p count items, without pulling any more from upstream.
    [[nodiscard]] Stream take(std::size_t count, QString stageName = {}) &&;
    /// Awaits every item, in order, into a vector.
    [[nodiscard]] Task<std::vector<T>> collect(QString stageName = {}) &&;

private:
    std::unique_ptr<StreamSource<T>> m_source;
    unsigned m_pullsSinceYield = 0; ///< the cooperative budget (see impl/streamstages.h)
};

/// A stream of the items of @p range (a container or view, kept by value).
template<std::ranges::input_range Range>
[[nodiscard]] auto iter(Range range, QString stageName = {});

} // namespace taskscope

#include "stream/impl/streamstages.h"
