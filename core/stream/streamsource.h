#pragma once

/// StreamSource<T>: the base of every stream, built-in stage or custom (the seed's
/// `impl Stream for NumberStream`). Override next(); wrap it with Stream<T>::from() to get the
/// combinators.

#include "runtime/task.h"

#include <optional>

namespace taskscope {

/// A pull source of T: each next() gives the next item, or nothing once it is exhausted.
///
/// Ownership: a Stream<T> owns its source on the heap, so the source never moves while a
/// next() task it gave out is running; that task must finish before the stream is destroyed.
template<typename T>
class StreamSource
{
public:
    using value_type = T;

    virtual ~StreamSource() = default;
    /// The next item, or std::nullopt when the stream has ended (and on every call after).
    [[nodiscard]] virtual Task<std::optional<T>> next() = 0;
};

} // namespace taskscope
