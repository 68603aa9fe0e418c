#pragma once

// A single-producer, single-consumer ring of TraceEvents: one per worker.
//
// Implementation notes
// --------------------
// The producer (the worker) writes the slot, then publishes it by storing head with release;
// the consumer (the drain) reads head with acquire, copies the slots, then stores tail with
// release so the producer may reuse them. Head and tail only grow (64-bit, no wrap in
// practice); index = counter & mask. The producer keeps the last tail it saw and reads the
// consumer's cache line only when the ring looks full. A full ring drops the event and
// counts it: recording never blocks a worker. Head and tail sit on their own cache lines.
//
// A gap is marked where it is. Readers pair events (a PollStart with the next PollEnd on its
// worker), and a pair that straddles lost events would read as one long poll. So the first
// push that finds room again writes a Lost event first: from the first lost event's time to
// this event's, and how many were lost. That happens on the slow path only (after a drop
// the producer's cached tail still says full), so the fast path is unchanged.

#include "runtime/impl/loom.h"
#include "trace/traceevent.h"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace taskscope::detail {

class TraceRing
{
public:
    /// A ring of at least @p capacity events (rounded up to a power of two).
    explicit TraceRing(std::size_t capacity);

    /// Producer: appends @p event, or drops and counts it when full.
    void push(const TraceEvent &event) noexcept
    {
        push(event.timeNs, event.task, event.object, event.value, event.worker, event.kind);
    }
    /// The same from the fields, each stored straight into the slot. (Copying a whole event
    /// built on the stack costs a store-forwarding stall: its 8-byte stores, then 16-byte loads.)
    void push(std::int64_t timeNs, std::uint64_t task, std::uint64_t object, std::int64_t value,
              std::int16_t worker, TraceKind kind) noexcept
    {
        // Relaxed: only the producer writes head.
        std::uint64_t head = m_head.load(std::memory_order_relaxed);
        if (head - m_tailSeen >= m_mask + 1) {
            // Looks full: look at the consumer's real tail, once per ring's worth of events.
            // Acquire: the consumer has finished copying the slots it released.
            m_tailSeen = m_tail.load(std::memory_order_acquire);
            if (m_mask + 1 - (head - m_tailSeen) < (m_lostRun > 0 ? 2u : 1u)) {
                if (m_lostRun++ == 0)
                    m_lostSinceNs = timeNs;
                m_dropped.fetch_add(1, std::memory_order_relaxed);
                // Keep the next push on this path (the marker needs it), even if one slot
                // is free: an older tail is still a true lower bound of the consumer's.
                m_tailSeen = head - (m_mask + 1);
                return;
            }
            if (m_lostRun > 0)
                pushLostMarker(head++, timeNs, worker); // published with the event below
        }
        TraceEvent &slot = m_slots[head & m_mask];
        slot.timeNs = timeNs;
        slot.task = task;
        slot.object = object;
        slot.value = value;
        slot.worker = worker;
        slot.kind = kind;
        // Release: the slot's contents happen-before the consumer's read of it.
        m_head.store(head + 1, std::memory_order_release);
    }

    /// Consumer: appends every published event to @p out; returns how many.
    std::size_t drainInto(std::vector<TraceEvent> &out);

    /// Consumer, in two steps (for merging several rings without copying twice): the
    /// published events are [begin, end); read them with at(), then release().
    struct Pending
    {
        std::uint64_t begin;
        std::uint64_t end;
    };
    [[nodiscard]] Pending pending() const noexcept
    {
        // Relaxed: only the consumer writes tail. Acquire: pairs with push's release.
        return {m_tail.load(std::memory_order_relaxed), m_head.load(std::memory_order_acquire)};
    }
    [[nodiscard]] const TraceEvent &at(std::uint64_t index) const noexcept { return m_slots[index & m_mask]; }
    /// Appends the events of @p pending to @p out, in at most two copies (before and after the wrap).
    void appendTo(std::vector<TraceEvent> &out, Pending pending) const
    {
        for (std::uint64_t at = pending.begin; at != pending.end;) {
            const std::size_t index = at & m_mask;
            const auto count = std::size_t(std::min<std::uint64_t>(pending.end - at, m_mask + 1 - index));
            out.insert(out.end(), m_slots.get() + index, m_slots.get() + index + count);
            at += count;
        }
    }
    void release(std::uint64_t end) noexcept
    {
        // Release: our reads of the slots happen-before the producer overwrites them.
        m_tail.store(end, std::memory_order_release);
    }

    [[nodiscard]] std::uint64_t dropped() const noexcept { return m_dropped.load(std::memory_order_relaxed); }
    [[nodiscard]] std::size_t capacity() const noexcept { return m_mask + 1; }

private:
    void pushLostMarker(std::uint64_t head, std::int64_t untilNs, std::int16_t worker) noexcept
    {
        TraceEvent &slot = m_slots[head & m_mask];
        slot.timeNs = m_lostSinceNs;
        slot.task = 0;
        slot.object = std::uint64_t(untilNs);
        slot.value = std::int64_t(m_lostRun);
        slot.worker = worker;
        slot.kind = TraceKind::Lost;
        m_lostRun = 0;
    }

    std::unique_ptr<TraceEvent[]> m_slots;
    std::size_t m_mask;
    alignas(64) Atomic<std::uint64_t> m_head{0};
    std::uint64_t m_tailSeen = 0; ///< producer only: the consumer's tail when last looked at
    std::uint64_t m_lostRun = 0;    ///< producer only: events dropped since the last push that fit
    std::int64_t m_lostSinceNs = 0; ///< producer only: the first of them's time
    alignas(64) Atomic<std::uint64_t> m_tail{0};
    alignas(64) Atomic<std::uint64_t> m_dropped{0};
};

} // namespace taskscope::detail
