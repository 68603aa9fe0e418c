#pragma once

// What the frame pools make of a request, for the memory benchmark. Kept out of framepool.h,
// which nearly every file includes, so that measuring does not rebuild the engine.

#include <cstddef>

namespace taskscope::detail {

/// The bytes a block for @p size bytes takes: its size class, or @p size itself where the
/// pools are bypassed (large blocks, AddressSanitizer builds).
[[nodiscard]] std::size_t poolBlockSize(std::size_t size) noexcept;

} // namespace taskscope::detail
