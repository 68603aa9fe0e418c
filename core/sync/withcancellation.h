#pragma once

#include "runtime/task.h"
#include "sync/cancellationtoken.h"
#include "sync/impl/cancelscope.h"

#include <optional>

namespace taskscope {

/// Runs @p task inline until it finishes (its value) or @p token is cancelled (nullopt; the
/// task is cancelled at the await it is suspended at, its destructors run).
template<typename T>
[[nodiscard]] Task<std::optional<std::conditional_t<std::is_void_v<T>, detail::Unit, T>>>
withCancellation(CancellationToken token, Task<T> task)
{
    using Value = std::conditional_t<std::is_void_v<T>, detail::Unit, T>;
    detail::TaskHeader &self = detail::requireCurrentTask("withCancellation");
    detail::CancelScope scope(self);
    auto registration = token.onCancel([state = scope.sharedState()] { state->fire(); });
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(task);
            scope.close();
            co_return Value{};
        } else {
            Value value = co_await std::move(task);
            scope.close();
            co_return std::optional<Value>(std::move(value));
        }
    } catch (const detail::ScopeCancelled &cancelled) {
        if (cancelled.scope != scope.state())
            throw;
    }
    co_return std::nullopt;
}

} // namespace taskscope
