#pragma once

/// ObjectNames: what the object ids in a trace are called — a channel, a counter, a span.
///
/// ```
/// const ObjectNames names = recorder.objectNames();
/// QString channel = names.value(event.object);   // "kv mailbox"
/// ```
/// Most ids carry their name (sync/impl/tracedobject.h), so this holds only the few named
/// explicitly (TraceRecorder::nameObject, or a test's made-up ids) and stays small however many
/// objects a run creates. A value type: copies share the explicit names.

#include "sync/impl/tracedobject.h"

#include <QHash>
#include <QString>

#include <cstdint>

namespace taskscope {

class ObjectNames
{
public:
    ObjectNames() = default;
    /// Names given explicitly, looked up before the names the ids carry.
    ObjectNames(QHash<std::uint64_t, QString> named) // NOLINT(google-explicit-constructor): a hash reads as names
        : m_named(std::move(named))
    {
    }

    /// The name of @p object, or a null string if it has none.
    [[nodiscard]] QString value(std::uint64_t object) const
    {
        const auto it = m_named.constFind(object);
        return it != m_named.constEnd() ? *it : detail::objectNameOf(object);
    }
    /// Names @p object explicitly.
    void insert(std::uint64_t object, const QString &name) { m_named.insert(object, name); }

private:
    QHash<std::uint64_t, QString> m_named;
};

} // namespace taskscope
