#pragma once

/// Chrome trace-event export: a recorded trace as the JSON that Perfetto UI (ui.perfetto.dev)
/// and chrome://tracing open.
///
/// ```
/// runtime.setTraceSink(nullptr);                     // stop recording first
/// ChromeTraceInput input{recorder.drain(), workerNames, {}, recorder.objectNames()};
/// writeChromeTrace(QStringLiteral("run.json"), input, &error);
/// ```
/// Each worker is a thread (tid = worker + 1; tid 0 "outside" for events off the workers).
/// Polls become complete slices ("X"), channel lengths and counters become counter tracks
/// ("C"), spawns, steals, timer firings, completions and user instants become instants ("i"),
/// user spans become async "b"/"e" events keyed by the span id, and each wake is a flow arrow
/// ("s" → "f") from where the task was woken to the poll that ran it next.

#include "trace/objectnames.h"
#include "trace/traceevent.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace taskscope {

/// What the export needs: the events and the names that make them readable.
struct ChromeTraceInput
{
    /// In timestamp order (as TraceRecorder::drain() gives them).
    std::vector<TraceEvent> events;
    /// The name of each worker thread; index = worker id.
    QStringList workerNames;
    /// Task id → name; tasks without one are shown as "task <id>".
    QHash<std::uint64_t, QString> taskNames;
    /// Object id → name (channels, counters, instants, spans).
    ObjectNames objectNames;
    /// The name of the one process in the trace.
    QString processName = QStringLiteral("taskscope");
};

/// The Chrome trace-event JSON for @p input; the same input gives the same bytes.
[[nodiscard]] QByteArray toChromeTraceJson(const ChromeTraceInput &input);

/// Writes it to @p path atomically (QSaveFile); on failure false, *error names the path and why.
///
/// A failed write leaves no file behind (nor a half-written one in place of an older trace).
bool writeChromeTrace(const QString &path, const ChromeTraceInput &input, QString *error);

} // namespace taskscope
