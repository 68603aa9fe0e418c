#pragma once

/// NumberStream: the seed's custom stream, 0, 1, …, max − 1; an example of a StreamSource.
///
/// ```
/// Stream<std::size_t> numbers = Stream<std::size_t>::from<NumberStream>(5);
/// while (auto number = co_await numbers.next())
///     qDebug() << "Number:" << *number;
/// ```

#include "stream/streamsource.h"

#include <cstddef>

namespace taskscope {

/// Counts from 0 up to (not including) a maximum, one number per next().
class NumberStream final : public StreamSource<std::size_t>
{
public:
    /// A stream of the numbers 0 … @p max − 1.
    explicit NumberStream(std::size_t max) noexcept
        : m_max(max)
    {
    }

    /// The current number, then one more; nothing once max is reached. Never suspends.
    Task<std::optional<std::size_t>> next() override
    {
        if (m_current >= m_max)
            co_return std::nullopt;
        co_return m_current++;
    }

private:
    std::size_t m_current = 0;
    std::size_t m_max;
};

} // namespace taskscope
