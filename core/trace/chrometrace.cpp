#include "trace/chrometrace.h"

#include "io/atomicwrite.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <unordered_map>

// Implementation notes
//
// * One pass over the events, in their order. Each output event goes into a vector of entries
//   when the input event that starts it is seen. A poll's "X" slice is complete only at its
//   PollEnd, and a wake's flow start only counts once a later poll of the task ends it, so
//   both reserve an empty slot that is filled in later; slots never filled (a wake that no
//   poll followed) are skipped when the entries are joined. The output is therefore in the
//   order of the input's start times, which keeps it readable and diffable.
// * At most one poll is open per worker, so slices on one thread never overlap: a PollStart
//   while a poll is open (its PollEnd was lost) closes that poll there; a PollEnd with no
//   open poll (its PollStart was lost, or the trace began mid-poll) starts at the worker's
//   previous poll end, or at the first event; polls still open at the end (the trace was cut)
//   close at the last event's time. Closed-by-us slices carry "cut": true. Where the thread's
//   ring lost events (a Lost marker), its open poll is cut at the gap's start, and a poll
//   whose start fell in the gap starts at the gap's end: no slice spans a gap.
// * Determinism: the JSON text is built here, not by QJsonDocument. Numbers are integers and
//   times are microseconds printed by integer arithmetic (ns / 1000, ".", ns % 1000 in three
//   digits), so no floating-point formatting is involved. Hash containers are only looked up,
//   never iterated into the output; the thread list comes from ordered containers.

namespace taskscope {

namespace {

constexpr int s_outsideTid = 0;

/// The thread id of a worker in the trace: 0 is "outside", workers start at 1.
int tidOf(std::int16_t worker) noexcept
{
    return worker < 0 ? s_outsideTid : int(worker) + 1;
}

void appendJsonString(QByteArray &out, const QString &text)
{
    static constexpr char hexDigits[] = "0123456789abcdef";
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += hexDigits[(c >> 4) & 0xf];
                out += hexDigits[c & 0xf];
            } else {
                out += c; // UTF-8 passes through: JSON text is UTF-8
            }
        }
    }
    out += '"';
}

/// @p ns as microseconds with exactly three decimals ("1234.567"), without floating point.
void appendMicros(QByteArray &out, std::int64_t ns)
{
    // Unsigned negation is defined even for the most negative value.
    const std::uint64_t magnitude = ns < 0 ? std::uint64_t(0) - std::uint64_t(ns) : std::uint64_t(ns);
    if (ns < 0)
        out += '-';
    out += QByteArray::number(magnitude / 1000);
    const auto fraction = unsigned(magnitude % 1000);
    out += '.';
    out += char('0' + fraction / 100);
    out += char('0' + fraction / 10 % 10);
    out += char('0' + fraction % 10);
}

/// The "args" object of one event, built field by field in a fixed order.
class JsonArgs
{
public:
    JsonArgs &addInt(const char *key, std::int64_t value)
    {
        appendKey(key);
        m_text += QByteArray::number(qlonglong(value));
        return *this;
    }
    JsonArgs &addId(const char *key, std::uint64_t value)
    {
        appendKey(key);
        m_text += QByteArray::number(qulonglong(value));
        return *this;
    }
    JsonArgs &addString(const char *key, const QString &value)
    {
        appendKey(key);
        appendJsonString(m_text, value);
        return *this;
    }
    JsonArgs &addBool(const char *key, bool value)
    {
        appendKey(key);
        m_text += value ? "true" : "false";
        return *this;
    }
    /// `,"args":{…}`, or nothing when there are no fields.
    void appendTo(QByteArray &out) const
    {
        if (m_text.isEmpty())
            return;
        out += ",\"args\":{";
        out += m_text;
        out += '}';
    }

private:
    void appendKey(const char *key)
    {
        if (!m_text.isEmpty())
            m_text += ',';
        m_text += '"';
        m_text += key;
        m_text += "\":";
    }

    QByteArray m_text;
};

/// The fields of one trace event; absent optional fields are left out of the text.
struct EventFields
{
    QString name;
    const char *category = nullptr;
    const char *phase = "i";
    std::int64_t timeNs = 0;
    int tid = s_outsideTid;
    std::int64_t durationNs = -1;  ///< "X" only
    std::uint64_t flowId = 0;      ///< "s"/"f" only
    const char *bindingPoint = nullptr;
    const char *scope = nullptr;   ///< "i" only
    JsonArgs args;
};

QByteArray toJson(const EventFields &fields)
{
    QByteArray out = "{\"name\":";
    appendJsonString(out, fields.name);
    if (fields.category) {
        out += ",\"cat\":\"";
        out += fields.category;
        out += '"';
    }
    out += ",\"ph\":\"";
    out += fields.phase;
    out += "\",\"ts\":";
    appendMicros(out, fields.timeNs);
    if (fields.durationNs >= 0) {
        out += ",\"dur\":";
        appendMicros(out, fields.durationNs);
    }
    out += ",\"pid\":1,\"tid\":";
    out += QByteArray::number(fields.tid);
    if (fields.flowId != 0) {
        out += ",\"id\":";
        out += QByteArray::number(qulonglong(fields.flowId));
    }
    if (fields.bindingPoint) {
        out += ",\"bp\":\"";
        out += fields.bindingPoint;
        out += '"';
    }
    if (fields.scope) {
        out += ",\"s\":\"";
        out += fields.scope;
        out += '"';
    }
    fields.args.appendTo(out);
    out += '}';
    return out;
}

/// A metadata ("M") event naming the process or a thread.
QByteArray metadataJson(const char *what, int tid, const QString &name)
{
    QByteArray out = "{\"name\":\"";
    out += what;
    out += "\",\"ph\":\"M\",\"pid\":1,\"tid\":";
    out += QByteArray::number(tid);
    out += ",\"args\":{\"name\":";
    appendJsonString(out, name);
    out += "}}";
    return out;
}

const char *outcomeName(std::int64_t outcome) noexcept
{
    switch (outcome) {
    case 1: return "ok";
    case 2: return "cancelled";
    case 3: return "panicked";
    }
    return "unknown";
}

/// Turns the events into entries, in one pass (see the implementation notes).
class ChromeTraceWriter
{
public:
    explicit ChromeTraceWriter(const ChromeTraceInput &input)
        : m_input(input)
    {
    }

    QByteArray write()
    {
        if (!m_input.events.empty()) {
            const auto [first, last] = std::minmax_element(
                m_input.events.begin(), m_input.events.end(),
                [](const TraceEvent &a, const TraceEvent &b) { return a.timeNs < b.timeNs; });
            m_firstNs = first->timeNs;
            m_lastNs = last->timeNs;
        }
        for (const TraceEvent &event : m_input.events)
            convert(event);
        for (const auto &[tid, poll] : m_openPolls)
            closePoll(tid, poll, m_lastNs, true);
        m_openPolls.clear();
        return join();
    }

private:
    struct OpenPoll
    {
        std::size_t slot;
        std::int64_t startNs;
        std::uint64_t task;
    };
    struct PendingWake
    {
        std::size_t slot;
        EventFields start; // the "s" event, written once a poll ends the flow
    };

    void convert(const TraceEvent &event)
    {
        const int tid = tidOf(event.worker);
        m_tids.insert(tid);
        switch (event.kind) {
        case TraceKind::PollStart:
            startPoll(event, tid);
            break;
        case TraceKind::PollEnd:
            endPoll(event, tid);
            break;
        case TraceKind::Wake:
            wake(event, tid);
            break;
        case TraceKind::Send:
        case TraceKind::Receive: {
            EventFields fields = at(event, tid, "C", "channel");
            fields.name = objectName(event.object, "channel");
            fields.args.addInt("length", event.value);
            append(fields);
            break;
        }
        case TraceKind::Counter: {
            EventFields fields = at(event, tid, "C", "counter");
            fields.name = objectName(event.object, "counter");
            fields.args.addInt("value", event.value);
            append(fields);
            break;
        }
        case TraceKind::Instant: {
            EventFields fields = instantAt(event, tid, "instant");
            fields.name = objectName(event.object, "instant");
            if (event.task != 0)
                fields.args.addId("task", event.task);
            fields.args.addInt("value", event.value);
            append(fields);
            break;
        }
        case TraceKind::Complete: {
            EventFields fields = instantAt(event, tid, "task");
            fields.name = QStringLiteral("complete");
            fields.args.addId("task", event.task)
                .addString("name", taskName(event.task))
                .addString("outcome", QString::fromLatin1(outcomeName(event.value)));
            append(fields);
            break;
        }
        case TraceKind::Spawn: {
            EventFields fields = instantAt(event, tid, "task");
            fields.name = QStringLiteral("spawn");
            fields.args.addId("task", event.task)
                .addString("name", taskName(event.task))
                .addId("parent", event.object);
            append(fields);
            break;
        }
        case TraceKind::Steal: {
            EventFields fields = instantAt(event, tid, "scheduler");
            fields.name = QStringLiteral("steal");
            fields.args.addId("task", event.task)
                .addId("victim", event.object)
                .addInt("count", event.value);
            append(fields);
            break;
        }
        case TraceKind::PollCpu: {
            // How the worker spent the long poll that just ended on this thread.
            EventFields fields = instantAt(event, tid, "scheduler");
            fields.name = QStringLiteral("poll-cpu");
            fields.args.addId("task", event.task)
                .addInt("cpu_ns", event.value)
                .addInt("waits", pollCpuWaits(event))
                .addInt("preemptions", pollCpuPreemptions(event));
            append(fields);
            break;
        }
        case TraceKind::TimerFire: {
            EventFields fields = instantAt(event, tid, "scheduler");
            fields.name = QStringLiteral("timer-fire");
            fields.args.addInt("fired", event.value);
            append(fields);
            break;
        }
        case TraceKind::SpanBegin:
        case TraceKind::SpanEnd: {
            const bool begin = event.kind == TraceKind::SpanBegin;
            // Async begin/end keyed by the span's id: a span may cross awaits, so it can end
            // on another worker or outside the poll it began in.
            EventFields fields = at(event, tid, begin ? "b" : "e", "span");
            fields.name = objectName(event.object, "span");
            fields.flowId = event.object;
            if (event.task != 0)
                fields.args.addId("task", event.task);
            if (!begin)
                fields.args.addInt("duration_ns", event.value);
            append(fields);
            break;
        }
        case TraceKind::Lost: {
            // The thread's ring was full: close its open poll at the gap (where it ended is
            // not known), and start a poll whose PollStart fell in the gap where the gap ends.
            if (const auto open = m_openPolls.find(tid); open != m_openPolls.end()) {
                closePoll(tid, open->second, event.timeNs, true);
                m_openPolls.erase(open);
            }
            m_lastPollEndNs[tid] = std::max(m_lastPollEndNs[tid], std::int64_t(event.object));
            EventFields fields = instantAt(event, tid, "trace");
            fields.name = QStringLiteral("events lost");
            fields.args.addInt("count", event.value).addInt("duration_ns", std::int64_t(event.object) - event.timeNs);
            append(fields);
            break;
        }
        case TraceKind::Park:
        case TraceKind::Unpark:
        case TraceKind::TimerArm:
        case TraceKind::Acquire:
        case TraceKind::Release:
        case TraceKind::WaitBegin:
        case TraceKind::WaitEnd:
        case TraceKind::Notify:
            break; // not part of the export (yet): the UI shows them
        }
    }

    void startPoll(const TraceEvent &event, int tid)
    {
        if (const auto open = m_openPolls.find(tid); open != m_openPolls.end()) {
            closePoll(tid, open->second, event.timeNs, true); // its PollEnd was lost
            m_openPolls.erase(open);
        }
        m_openPolls.emplace(tid, OpenPoll{reserveSlot(), event.timeNs, event.task});

        // This poll ends the flows of the wakes that scheduled it.
        const auto pending = m_pendingWakes.find(event.task);
        if (pending == m_pendingWakes.end())
            return;
        for (PendingWake &wake : pending->second) {
            m_entries[wake.slot] = toJson(wake.start);
            EventFields end = at(event, tid, "f", "wake");
            end.name = QStringLiteral("wake");
            end.flowId = wake.start.flowId;
            end.bindingPoint = "e"; // bind to the poll slice that starts here
            append(end);
        }
        m_pendingWakes.erase(pending);
    }

    void endPoll(const TraceEvent &event, int tid)
    {
        if (const auto open = m_openPolls.find(tid); open != m_openPolls.end()) {
            closePoll(tid, open->second, event.timeNs, false);
            m_openPolls.erase(open);
            return;
        }
        // Its PollStart was lost: start where this worker's previous poll ended.
        const auto previous = m_lastPollEndNs.find(tid);
        const std::int64_t startNs = std::min(previous != m_lastPollEndNs.end() ? previous->second : m_firstNs,
                                              event.timeNs);
        closePoll(tid, OpenPoll{reserveSlot(), startNs, event.task}, event.timeNs, true);
    }

    void closePoll(int tid, const OpenPoll &poll, std::int64_t endNs, bool cut)
    {
        EventFields fields;
        fields.name = taskName(poll.task);
        fields.category = "poll";
        fields.phase = "X";
        fields.timeNs = poll.startNs;
        fields.durationNs = std::max<std::int64_t>(endNs - poll.startNs, 0);
        fields.tid = tid;
        fields.args.addId("task", poll.task).addString("name", fields.name);
        if (cut)
            fields.args.addBool("cut", true);
        m_entries[poll.slot] = toJson(fields);
        m_lastPollEndNs[tid] = std::max(endNs, poll.startNs);
    }

    void wake(const TraceEvent &event, int tid)
    {
        EventFields start = at(event, tid, "s", "wake");
        start.name = QStringLiteral("wake");
        start.flowId = m_nextFlowId++;
        start.args.addId("task", event.task).addId("waker", event.object).addBool("timer", event.value == 1);
        m_pendingWakes[event.task].push_back(PendingWake{reserveSlot(), std::move(start)});
    }

    EventFields at(const TraceEvent &event, int tid, const char *phase, const char *category) const
    {
        EventFields fields;
        fields.phase = phase;
        fields.category = category;
        fields.timeNs = event.timeNs;
        fields.tid = tid;
        return fields;
    }

    EventFields instantAt(const TraceEvent &event, int tid, const char *category) const
    {
        EventFields fields = at(event, tid, "i", category);
        fields.scope = "t";
        return fields;
    }

    QString taskName(std::uint64_t task) const
    {
        const QString name = m_input.taskNames.value(task);
        return name.isEmpty() ? QStringLiteral("task %1").arg(task) : name;
    }

    QString objectName(std::uint64_t object, const char *kindWord) const
    {
        const QString name = m_input.objectNames.value(object);
        return name.isEmpty() ? QStringLiteral("%1 %2").arg(QLatin1String(kindWord)).arg(object) : name;
    }

    std::size_t reserveSlot()
    {
        m_entries.emplace_back();
        return m_entries.size() - 1;
    }

    void append(const EventFields &fields) { m_entries.push_back(toJson(fields)); }

    QByteArray join() const
    {
        std::vector<QByteArray> header;
        header.push_back(metadataJson("process_name", s_outsideTid, m_input.processName));
        // Every named worker gets a thread, even an idle one; so does any worker seen beyond.
        std::set<int> tids = m_tids;
        for (int worker = 0; worker < m_input.workerNames.size(); ++worker)
            tids.insert(worker + 1);
        for (const int tid : tids) {
            const int worker = tid - 1;
            const QString name = tid == s_outsideTid ? QStringLiteral("outside")
                : worker < m_input.workerNames.size() ? m_input.workerNames.at(worker)
                                                      : QStringLiteral("worker %1").arg(worker);
            header.push_back(metadataJson("thread_name", tid, name));
        }

        QByteArray out = "{\"traceEvents\":[";
        bool first = true;
        for (const std::vector<QByteArray> *entries : {&std::as_const(header), &m_entries}) {
            for (const QByteArray &entry : *entries) {
                if (entry.isEmpty())
                    continue; // a slot never filled: a wake without a later poll
                out += first ? "\n" : ",\n";
                out += entry;
                first = false;
            }
        }
        out += "\n],\"displayTimeUnit\":\"ms\"}\n";
        return out;
    }

    const ChromeTraceInput &m_input;
    std::vector<QByteArray> m_entries;
    std::map<int, OpenPoll> m_openPolls;                                   // by tid
    std::map<int, std::int64_t> m_lastPollEndNs;                           // by tid
    std::unordered_map<std::uint64_t, std::vector<PendingWake>> m_pendingWakes; // by task
    std::set<int> m_tids;
    std::uint64_t m_nextFlowId = 1;
    std::int64_t m_firstNs = 0;
    std::int64_t m_lastNs = 0;
};

} // namespace

QByteArray toChromeTraceJson(const ChromeTraceInput &input)
{
    return ChromeTraceWriter(input).write();
}

bool writeChromeTrace(const QString &path, const ChromeTraceInput &input, QString *error)
{
    const auto fail = [&](QString reason) {
        while (reason.endsWith(QLatin1Char('.')))
            reason.chop(1);
        if (error)
            *error = QStringLiteral("Could not write the trace to \"%1\": %2.").arg(path, reason);
        return false;
    };
    // On failure the target is left untouched and no temporary file stays.
    if (const QString reason = writeFileAtomically(path, toChromeTraceJson(input)); !reason.isEmpty())
        return fail(reason);
    return true;
}

} // namespace taskscope
