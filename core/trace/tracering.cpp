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
    const Pending published = pending();
    appendTo(out, published);
    release(published.end);
    return std::size_t(published.end - published.begin);
}

} // namespace taskscope::detail
