#pragma once

// Every atomic, lock and condition variable of the engine comes from here, so ThreadSanitizer
// sees them all and a model-checking build could swap them (tokio's loom idea).

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace taskscope::detail {

template<typename T>
using Atomic = std::atomic<T>;

/// Tells the CPU we are spinning (cheaper for the sibling hyper-thread, kinder to power).
inline void spinPause() noexcept
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// Offers the CPU to another thread, without leaving the current poll (not an await: no other
/// task of this worker runs meanwhile). Marks a point where an OS preemption is worth making
/// likely, because the code after it assumes nothing changed since the code before; a
/// model-checking build would explore a thread switch here.
inline void preemptionPoint() noexcept
{
    std::this_thread::yield();
}

/// A mutex for short critical sections: spins briefly on try_lock before it sleeps in the
/// kernel. Our sections are a few dozen instructions, so a contended lock is usually free
/// again within the spin, and a futex round trip (microseconds) is avoided.
class Mutex
{
public:
    void lock()
    {
        for (int attempt = 0; attempt < 64; ++attempt) {
            if (m_mutex.try_lock())
                return;
            spinPause();
        }
        m_mutex.lock();
    }
    bool try_lock() { return m_mutex.try_lock(); }
    void unlock() { m_mutex.unlock(); }

private:
    std::mutex m_mutex;
};
using LockGuard = std::lock_guard<Mutex>;

/// A mutex that condition variables wait on (parking, blockOn): plain std::mutex.
using SleepMutex = std::mutex;
using SleepGuard = std::lock_guard<std::mutex>;
using UniqueLock = std::unique_lock<std::mutex>;
using CondVar = std::condition_variable;

} // namespace taskscope::detail
