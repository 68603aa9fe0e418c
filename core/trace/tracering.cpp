#include "trace/tracering.h"

#include <bit>

namespace taskscope::detail {

// The slots are zeroed here, so their pages are faulted in now and not by the worker on its
// first lap (a 64k ring is 2.5 MB: about 640 page faults a worker would take mid-poll).
TraceRing::TraceRing(std::size_t capacity)
    : m_slots(new TraceEvent[std::bit_ceil(std::max<std::size_t>(capacity, 2))]())
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
