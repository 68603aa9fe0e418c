#include "trace/tracering.h"

#include <bit>

namespace taskscope::detail {

TraceRing::TraceRing(std::size_t capacity)
    : m_slots(new TraceEvent[std::bit_ceil(std::max<std::size_t>(capacity, 2))])
    , m_mask(std::bit_ceil(std::max<std::size_t>(capacity, 2)) - 1)
{
}

std::size_t TraceRing::drainInto(std::vector<TraceEvent> &out)
{
    // Relaxed: only the consumer writes tail.
    const std::uint64_t tail = m_tail.load(std::memory_order_relaxed);
    // Acquire: pairs with push's release; the slots up to head are complete.
    const std::uint64_t head = m_head.load(std::memory_order_acquire);
    for (std::uint64_t index = tail; index != head; ++index)
        out.push_back(m_slots[index & m_mask]);
    // Release: our reads of the slots happen-before the producer overwrites them.
    m_tail.store(head, std::memory_order_release);
    return std::size_t(head - tail);
}

} // namespace taskscope::detail
