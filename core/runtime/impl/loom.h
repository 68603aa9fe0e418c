#pragma once

// Every atomic, lock and condition variable of the engine comes from here, so ThreadSanitizer
// sees them all and a model-checking build could swap them (tokio's loom idea).

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace taskscope::detail {

template<typename T>
using Atomic = std::atomic<T>;
using Mutex = std::mutex;
using LockGuard = std::lock_guard<std::mutex>;
using UniqueLock = std::unique_lock<std::mutex>;
using CondVar = std::condition_variable;

/// Tells the CPU we are spinning (cheaper for the sibling hyper-thread, kinder to power).
inline void spinPause() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

} // namespace taskscope::detail
