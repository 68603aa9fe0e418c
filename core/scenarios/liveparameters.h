#pragma once

/// Parameters that change while a run is going (DESIGN.md: "tweak parameters live").
///
/// A parameter marked `live` in its schema is read by the scenario from the run's
/// LiveParameters on every use instead of once at the start; the GUI (or a test) changes it
/// with set() while the run is going, from any thread.
///
/// ```
/// LiveValue failureRate = context.live->bind(QStringLiteral("downstream_failure_rate"), 0.5);
/// if (draw < failureRate.load()) fail();           // in the scenario, on every call
/// context.live->set(QStringLiteral("downstream_failure_rate"), 0.0);   // elsewhere, any thread
/// ```

#include "runtime/impl/loom.h"

#include <QHash>
#include <QString>

#include <memory>
#include <optional>

namespace taskscope {

/// One live parameter's current value, as a scenario reads it (cheap, lock-free, any thread).
class LiveValue
{
public:
    /// A value that never changes (for code run outside a scenario).
    explicit LiveValue(double fixed = 0);
    /// The value now.
    [[nodiscard]] double load() const noexcept;

private:
    friend class LiveParameters;
    explicit LiveValue(std::shared_ptr<const detail::Atomic<double>> value);
    std::shared_ptr<const detail::Atomic<double>> m_value;
};

/// The live values of one run (see the header overview). Thread-safe.
class LiveParameters
{
public:
    /// The value of @p name for the scenario to read: @p initial (the run's starting value),
    /// unless set() already changed it before the scenario bound it.
    [[nodiscard]] LiveValue bind(const QString &name, double initial);
    /// Changes @p name now; the scenario sees it on its next load().
    void set(const QString &name, double value);
    /// The value of @p name now, if it was bound or set.
    [[nodiscard]] std::optional<double> value(const QString &name) const;

private:
    mutable detail::Mutex m_lock; // guards the map; the values themselves are atomics
    QHash<QString, std::shared_ptr<detail::Atomic<double>>> m_values;
};

} // namespace taskscope
