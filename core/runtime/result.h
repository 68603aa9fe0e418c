#pragma once

#include "runtime/task.h"

#include <type_traits>
#include <utility>
#include <variant>

namespace taskscope {

/// The value type a Task<T> produces: T, or Unit for void.
template<typename T>
using ValueOf = std::conditional_t<std::is_void_v<T>, detail::Unit, T>;

/// A value or an error (Rust's Result): the shared core of JoinResult and TimeoutResult,
/// which add the names their domain uses.
template<typename V, typename E>
class Result
{
public:
    using Value = V;
    using Error = E;

    Result(V value)
        : m_result(std::in_place_index<0>, std::move(value))
    {
    }
    Result(E error)
        : m_result(std::in_place_index<1>, std::move(error))
    {
    }

    [[nodiscard]] bool isOk() const noexcept { return m_result.index() == 0; }
    /// The error; only valid when !isOk().
    [[nodiscard]] const E &error() const { return std::get<1>(m_result); }

protected:
    [[nodiscard]] V &storedValue() { return std::get<0>(m_result); }

private:
    std::variant<V, E> m_result;
};

} // namespace taskscope
