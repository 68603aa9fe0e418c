#pragma once

#include "runtime/impl/taskheader.h"
#include "runtime/result.h"

#include <QString>

#include <stdexcept>
#include <variant>

namespace taskscope {

/// Why a spawned task gave no value: it was cancelled (aborted, or its runtime shut down), or
/// it panicked (threw), in which case message() is the exception's what().
class JoinError : public std::runtime_error
{
public:
    enum class Kind { Cancelled, Panicked };

    JoinError(Kind kind, TaskId task, QString message)
        : std::runtime_error(describe(kind, task, message))
        , m_kind(kind)
        , m_task(task)
        , m_message(std::move(message))
    {
    }

    [[nodiscard]] Kind kind() const noexcept { return m_kind; }
    [[nodiscard]] bool isCancelled() const noexcept { return m_kind == Kind::Cancelled; }
    [[nodiscard]] bool isPanicked() const noexcept { return m_kind == Kind::Panicked; }
    /// The id of the task that failed.
    [[nodiscard]] TaskId taskId() const noexcept { return m_task; }
    /// The panic message (empty when cancelled).
    [[nodiscard]] const QString &message() const noexcept { return m_message; }

private:
    static std::string describe(Kind kind, TaskId task, const QString &message)
    {
        if (kind == Kind::Cancelled)
            return "task " + std::to_string(task) + " was cancelled";
        return "task " + std::to_string(task) + " panicked: " + message.toStdString();
    }

    Kind m_kind;
    TaskId m_task;
    QString m_message;
};

/// A task's value or the JoinError that replaced it (Tokio's Result<T, JoinError>).
template<typename T>
class JoinResult : public Result<ValueOf<T>, JoinError>
{
public:
    using Value = ValueOf<T>;
    using Result<Value, JoinError>::Result;

    /// The value; throws the JoinError when there is none.
    Value &value()
    {
        if (!this->isOk())
            throw this->error();
        return this->storedValue();
    }
};

} // namespace taskscope
