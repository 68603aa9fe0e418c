#include "sync/impl/tracedobject.h"

namespace taskscope::detail {

std::uint64_t nextObjectId() noexcept
{
    static Atomic<std::uint64_t> s_next{1};
    // Relaxed: only uniqueness matters.
    return s_next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace taskscope::detail
