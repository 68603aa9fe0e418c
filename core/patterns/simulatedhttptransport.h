#pragma once

#include "patterns/httptransport.h"

namespace taskscope {

/// An HttpTransport without a network: `/delay/<ms>` is a sleep of ms on the runtime clock
/// (so on the virtual clock runs are reproducible and take no real time), `/status/<code>`
/// and `/get` answer at once, anything else is 404. Same paths and statuses as the embedded
/// server in core/net; the bodies are short JSON objects.
class SimulatedHttpTransport final : public HttpTransport
{
public:
    [[nodiscard]] QString name() const override { return QStringLiteral("simulated"); }
    [[nodiscard]] Task<HttpResponse> get(QString pathAndQuery) override;
};

} // namespace taskscope
