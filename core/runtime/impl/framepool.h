#pragma once

// Allocation of coroutine frames and task headers.
//
// Implementation notes
// --------------------
// A spawned task is usually allocated on one thread (the spawner) and freed on another (the
// worker that completes it). With glibc's malloc that pattern makes the two threads fight
// over the spawner's arena lock, which showed up as most of the futex calls in spawn_join.
// So small blocks come from per-thread pools with size classes: a thread allocates from its
// own free list without any atomic; a block freed on its own thread goes back to that list;
// a block freed on another thread is pushed onto the owner's lock-free "remote" stack (one
// CAS), which the owner takes over in one exchange when its list runs dry. New blocks are
// carved from 2 MiB slabs (transparent huge pages where the kernel allows) whose first cache
// line names their pool, so a block has no header: its pool is found from its address and its
// size class from the size its delete is given. Blocks are whole cache lines and start on
// one. Pools outlive their threads: a finished
// thread's pool is handed to the next thread that needs one, so memory stays bounded by the
// peak in use. Large blocks, and everything in AddressSanitizer builds (so ASan still sees
// frame lifetimes), go straight to operator new; ThreadSanitizer builds use the pools.

#include <cstddef>

namespace taskscope::detail {

/// A block of at least @p size bytes, from the calling thread's pool.
void *allocateFromPool(std::size_t size);
/// Returns a block from allocateFromPool (on any thread); @p size must be the size it was
/// allocated with (sized delete gives it).
void freeToPool(void *block, std::size_t size) noexcept;

} // namespace taskscope::detail
