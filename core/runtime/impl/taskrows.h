#pragma once

// The registry's rows: where the scheduler keeps every live task for the shutdown sweep.
//
// Implementation notes
// --------------------
// Each worker owns a TaskRows for the tasks spawned on it, and threads outside the runtime
// share one behind a mutex. Only the owner takes rows; any thread gives one back, by storing
// null into it (a task completes on whichever worker polled it last). Rows live in chunks that
// never move, so a task keeps a pointer to its row and leaving needs no lock and touches no
// other task. The owner looks for a free row from a cursor that goes round, at most
// s_probe rows, and adds a chunk when it finds none: long-lived tasks keep their rows, and the
// cursor walks past them. The counts are split the same way (taken by the owner, given back
// per worker), so that no counter is written from two cores on every spawn.
// The sweep runs after the workers stopped: it empties every row it finds occupied, one at a
// time.

#include "runtime/impl/loom.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace taskscope::detail {

class TaskHeader;

using TaskRow = Atomic<TaskHeader *>;

class TaskRows
{
public:
    /// A free row holding @p task (owner thread, or under the owner's mutex). Throws
    /// std::bad_alloc when a new chunk is needed and cannot be had.
    TaskRow *take(TaskHeader *task)
    {
        const std::size_t rows = m_chunks.size() * s_chunkRows;
        for (std::size_t probe = 0; probe < s_probe && rows > 0; ++probe) {
            TaskRow &row = at(m_cursor);
            m_cursor = (m_cursor + 1) % rows;
            // Acquire: the task that gave this row back is done with it.
            if (row.load(std::memory_order_acquire) == nullptr) {
                row.store(task, std::memory_order_relaxed);
                countTaken();
                return &row;
            }
        }
        m_chunks.reserve(m_chunks.size() + 1);
        m_chunks.push_back(std::make_unique<TaskRow[]>(s_chunkRows));
        m_cursor = rows + 1;
        TaskRow &row = at(rows);
        row.store(task, std::memory_order_relaxed);
        countTaken();
        return &row;
    }

    /// Gives @p row back (any thread).
    static void giveBack(TaskRow *row) noexcept { row->store(nullptr, std::memory_order_release); }

    /// Rows taken since the start (relaxed: for display and the live count).
    [[nodiscard]] std::uint64_t taken() const noexcept { return m_taken.load(std::memory_order_relaxed); }

    /// Empties the next occupied row at or after @p position and returns its task, or null
    /// when there is none; @p position moves past it (the sweep: the workers have stopped).
    TaskHeader *takeNext(std::size_t &position) noexcept
    {
        for (const std::size_t rows = m_chunks.size() * s_chunkRows; position < rows; ++position) {
            if (TaskHeader *task = at(position).exchange(nullptr, std::memory_order_acq_rel))
                return task;
        }
        return nullptr;
    }

private:
    static constexpr std::size_t s_chunkRows = 1024;
    static constexpr std::size_t s_probe = 64;

    TaskRow &at(std::size_t index) noexcept { return m_chunks[index / s_chunkRows][index % s_chunkRows]; }
    void countTaken() noexcept
    {
        // Only the owner writes: load + store, no read-modify-write.
        m_taken.store(m_taken.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }

    std::vector<std::unique_ptr<TaskRow[]>> m_chunks;
    std::size_t m_cursor = 0;
    Atomic<std::uint64_t> m_taken{0};
};

} // namespace taskscope::detail
