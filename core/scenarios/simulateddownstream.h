#pragma once

#include "runtime/task.h"
#include "runtime/impl/loom.h"
#include "scenarios/liveparameters.h"
#include "time/clock.h"
#include "trace/tracecounter.h"

#include <QString>

namespace taskscope {

/// The flaky service behind the circuit-breaker and retry scenarios: a call takes latency on
/// the runtime clock, then fails with probability failureRate (read at that moment, so a live
/// change applies to the very next answer), drawn from the runtime's seeded generator so a
/// deterministic run repeats. Traces the counter "<name> in flight". Thread-safe.
class SimulatedDownstream
{
public:
    SimulatedDownstream(LiveValue failureRate, Duration latency, QString name = QStringLiteral("downstream"));

    /// One call: true = it succeeded. The downstream must outlive the task.
    [[nodiscard]] Task<bool> call();

private:
    LiveValue m_failureRate;
    Duration m_latency;
    TraceCounter m_inFlightCounter;
    detail::Atomic<std::int64_t> m_inFlight{0};
};

} // namespace taskscope
