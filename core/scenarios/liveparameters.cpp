#include "scenarios/liveparameters.h"

// Implementation notes
//
// The map from name to value is written under m_lock (bind and set are rare: once per
// parameter per run, and once per change in the GUI). A LiveValue holds the shared atomic
// itself, so the scenario's hot path, load(), takes no lock. The values are independent
// numbers that publish nothing else, so relaxed loads and stores are enough: a reader sees a
// new value a moment later at worst, never a torn one.

namespace taskscope {

LiveValue::LiveValue(double fixed)
    : m_value(std::make_shared<const detail::Atomic<double>>(fixed))
{
}

LiveValue::LiveValue(std::shared_ptr<const detail::Atomic<double>> value)
    : m_value(std::move(value))
{
}

double LiveValue::load() const noexcept
{
    return m_value->load(std::memory_order_relaxed); // an independent value (see the notes)
}

LiveValue LiveParameters::bind(const QString &name, double initial)
{
    detail::LockGuard guard(m_lock);
    auto &slot = m_values[name];
    if (!slot)
        slot = std::make_shared<detail::Atomic<double>>(initial);
    // A value set before the scenario bound it wins over the starting one: the change came later.
    return LiveValue(slot);
}

void LiveParameters::set(const QString &name, double value)
{
    detail::LockGuard guard(m_lock);
    auto &slot = m_values[name];
    if (!slot)
        slot = std::make_shared<detail::Atomic<double>>(value);
    else
        slot->store(value, std::memory_order_relaxed); // an independent value (see the notes)
}

std::optional<double> LiveParameters::value(const QString &name) const
{
    detail::LockGuard guard(m_lock);
    const auto it = m_values.constFind(name);
    if (it == m_values.constEnd())
        return std::nullopt;
    return (*it)->load(std::memory_order_relaxed);
}

} // namespace taskscope
