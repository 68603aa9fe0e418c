#pragma once

// Template bodies of runtime.h.

#include <stdexcept>

namespace taskscope {

template<typename T>
JoinHandle<T> Runtime::spawn(Task<T> task, QString name, std::source_location location)
{
    if (!task.isValid())
        throw std::invalid_argument("taskscope: spawn of an empty Task");
    auto *core = new detail::TaskCore<T>(m_scheduler.get(), m_scheduler->nextTaskId(), std::move(name),
                                         location, task.release());
    // It starts with two references: the registry's (dropped at completion) and the handle's.
    detail::TaskRef handleRef(core); // released (with the core) if submit throws
    m_scheduler->submit(core);
    return JoinHandle<T>(std::move(handleRef));
}

template<typename T>
T Runtime::blockOn(Task<T> task, std::source_location location)
{
    if (detail::Scheduler::current())
        throw std::logic_error("taskscope: blockOn called on a worker thread would block the worker "
                               "it waits for; co_await the task instead");
    JoinHandle<T> handle = spawn(std::move(task), QStringLiteral("blockOn"), location);
    detail::SleepMutex mutex;
    detail::CondVar finished;
    bool done = false;
    const auto registration = handle.core()->setJoinWaiter({{}, [&] {
                                                                detail::SleepGuard lock(mutex);
                                                                done = true;
                                                                finished.notify_one();
                                                            }});
    // Only Registered or Finished: the handle is this function's own.
    if (registration == detail::TaskHeader::JoinRegistration::Registered) {
        detail::UniqueLock lock(mutex);
        finished.wait(lock, [&] { return done; });
    }
    if (handle.core()->outcome() == detail::Outcome::Panicked && handle.core()->panic())
        std::rethrow_exception(handle.core()->panic());
    if constexpr (std::is_void_v<T>)
        detail::takeOutcome(*handle.core());
    else
        return detail::takeOutcome(*handle.core());
}

template<typename T>
JoinHandle<T> spawn(Task<T> task, QString name, std::source_location location)
{
    return currentRuntime("spawn").spawn(std::move(task), std::move(name), location);
}

} // namespace taskscope
