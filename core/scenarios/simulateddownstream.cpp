#include "scenarios/simulateddownstream.h"

#include "runtime/runtime.h"
#include "time/sleep.h"

namespace taskscope {

SimulatedDownstream::SimulatedDownstream(LiveValue failureRate, Duration latency, QString name)
    : m_failureRate(std::move(failureRate))
    , m_latency(latency)
    , m_inFlightCounter(name + QStringLiteral(" in flight"))
{
}

Task<bool> SimulatedDownstream::call()
{
    Runtime &runtime = currentRuntime("SimulatedDownstream::call");
    // Relaxed: the in-flight count is a level for the trace; it publishes nothing.
    m_inFlightCounter.set(m_inFlight.fetch_add(1, std::memory_order_relaxed) + 1);
    struct Leaving
    {
        SimulatedDownstream &downstream;
        ~Leaving()
        {
            downstream.m_inFlightCounter.set(downstream.m_inFlight.fetch_sub(1, std::memory_order_relaxed) - 1);
        }
    } leaving{*this};
    co_await sleep(m_latency);
    // 53 random bits → a uniform double in [0, 1): rate 0 never fails, rate 1 always does.
    const double draw = double(runtime.random() >> 11) * 0x1.0p-53;
    co_return draw >= m_failureRate.load();
}

} // namespace taskscope
