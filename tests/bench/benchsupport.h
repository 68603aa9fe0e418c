#pragma once

// What the bench executables share: the JSON line, a runtime on two workers that records or
// not, the Tokio peer, and the shapes that more than one of them runs.

#include "runtime/runtime.h"
#include "sync/mpsc.h"
#include "sync/oneshot.h"
#include "trace/tracerecorder.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace taskscope::bench {

using WallClock = std::chrono::steady_clock;

inline double nanosecondsSince(WallClock::time_point start)
{
    return std::chrono::duration<double, std::nano>(WallClock::now() - start).count();
}

/// One figure as a JSON line: its value, its peer measured in the same run, the ratio and the
/// goal (in the figure's unit; 0 for none). @p extra is appended as more fields (",\"k\":v").
inline void printLine(const char *name, const char *unit, double value, const char *peer, double peerValue,
                      double goal, const std::string &extra = {})
{
    std::printf("{\"bench\":\"%s\",\"unit\":\"%s\",\"value\":%.1f,\"peer\":\"%s\",\"peer_value\":%.1f,"
                "\"ratio_to_peer\":%.3f,\"goal\":%.1f%s}\n",
                name, unit, value, peer, peerValue, peerValue > 0 ? value / peerValue : 0.0, goal, extra.c_str());
    std::fflush(stdout);
}

/// A JSON string field (",\"key\":\"value\""); @p value must need no escaping.
inline std::string field(const char *key, const QString &value)
{
    return std::string(",\"") + key + "\":\"" + value.toStdString() + "\"";
}
inline std::string field(const char *key, double value, int decimals = 1)
{
    char text[64];
    std::snprintf(text, sizeof text, ",\"%s\":%.*f", key, decimals, value);
    return text;
}
inline std::string field(const char *key, bool value)
{
    return std::string(",\"") + key + "\":" + (value ? "true" : "false");
}

inline RuntimeConfig twoWorkers()
{
    RuntimeConfig config;
    config.workerThreads = 2;
    config.threadName = QStringLiteral("bench");
    return config;
}

/// Drains a recorder on its own thread every @p interval, as the GUI's frame timer does (the
/// GUI every 16 ms; 1 ms by default here, which the rings forgive more).
class BackgroundDrain
{
public:
    explicit BackgroundDrain(TraceRecorder &recorder, std::chrono::milliseconds interval = std::chrono::milliseconds(1))
        : m_thread([this, &recorder, interval] {
            std::vector<TraceEvent> events; // reused, as the GUI's drain does
            auto take = [&] {
                recorder.drain(events);
                (void)recorder.takeTaskDescriptions();
            };
            while (!m_stop.load()) {
                take();
                std::this_thread::sleep_for(interval);
            }
            take();
        })
    {
    }
    ~BackgroundDrain()
    {
        m_stop = true;
        m_thread.join();
    }
    BackgroundDrain(const BackgroundDrain &) = delete;
    BackgroundDrain &operator=(const BackgroundDrain &) = delete;

private:
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

/// What a recording run recorded (all zero when it did not record).
struct RecordingCounts
{
    std::uint64_t recorded = 0;
    std::uint64_t dropped = 0;
};

/// A runtime on two workers, recording into a TraceRecorder drained on a thread of its own, or
/// not recording. finish() stops the runtime first, then the drain, so the counts are final and
/// no worker records into a recorder that is gone.
class BenchRuntime
{
public:
    struct Options
    {
        bool recording = false;
        std::chrono::milliseconds drainInterval{1};
    };
    explicit BenchRuntime(bool recording)
        : BenchRuntime(Options{recording})
    {
    }
    explicit BenchRuntime(const Options &options)
    {
        if (options.recording)
            m_recorder.emplace(2);
        m_runtime.emplace(twoWorkers());
        if (options.recording) {
            m_runtime->setTraceSink(&*m_recorder);
            m_drain.emplace(*m_recorder, options.drainInterval);
        }
    }
    ~BenchRuntime() { (void)finish(); }
    BenchRuntime(const BenchRuntime &) = delete;
    BenchRuntime &operator=(const BenchRuntime &) = delete;

    Runtime &operator*() noexcept { return *m_runtime; }
    Runtime *operator->() noexcept { return &*m_runtime; }

    /// Stops the runtime and the drain; what was recorded and dropped.
    RecordingCounts finish()
    {
        m_runtime.reset();
        RecordingCounts counts;
        if (m_drain) {
            m_drain.reset(); // its last drain runs here
            counts.recorded = m_recorder->eventsRecorded();
            counts.dropped = m_recorder->eventsDropped();
        }
        return counts;
    }

private:
    // Declared in this order so the runtime goes first even without finish().
    std::optional<TraceRecorder> m_recorder;
    std::optional<BackgroundDrain> m_drain;
    std::optional<Runtime> m_runtime;
};

/// Tokio 1.24 running the same shape on 2 workers: tests/bench/tokio-peer.sh (path in
/// TASKSCOPE_TOKIO_PEER, default the source tree's; "none" turns the peer off), run once per
/// round, between our rounds, so that both sides of a ratio see the same machine.
class TokioPeer
{
public:
    TokioPeer()
    {
        const QByteArray configured = qgetenv("TASKSCOPE_TOKIO_PEER");
#ifdef TASKSCOPE_TOKIO_PEER_SCRIPT
        m_script = configured.isNull() ? QStringLiteral(TASKSCOPE_TOKIO_PEER_SCRIPT) : QString::fromLocal8Bit(configured);
#else
        m_script = QString::fromLocal8Bit(configured);
#endif
        if (m_script.isEmpty() || m_script == QLatin1String("none"))
            m_unavailable = QStringLiteral("turned off (TASKSCOPE_TOKIO_PEER)");
    }

    /// Tokio's figure for the anchor line @p bench of @p shape (one run), or nothing
    /// (unavailable() says why).
    std::optional<double> measure(const char *shape, const char *bench)
    {
        if (!m_unavailable.isEmpty())
            return std::nullopt;
        QProcess process;
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(QStringLiteral("bash"), {m_script, QString::fromLatin1(shape)});
        if (!process.waitForFinished(-1) || process.exitStatus() != QProcess::NormalExit) {
            m_unavailable = QStringLiteral("the peer script did not run");
            return std::nullopt;
        }
        std::optional<double> figure;
        for (const QByteArray &line : process.readAllStandardOutput().split('\n')) {
            const QJsonObject object = QJsonDocument::fromJson(line).object();
            const QString name = object.value(QLatin1String("bench")).toString();
            if (name == QLatin1String("tokio_peer")) {
                if (object.contains(QLatin1String("unavailable")))
                    m_unavailable = object.value(QLatin1String("unavailable")).toString();
                else
                    m_name = QStringLiteral("tokio_%1_2_workers").arg(object.value(QLatin1String("tokio")).toString());
            } else if (name == QLatin1String(bench)) {
                for (auto it = object.begin(); it != object.end(); ++it) {
                    if (it.key() != QLatin1String("bench") && it.value().isDouble())
                        figure = it.value().toDouble();
                }
            }
        }
        if (!figure && m_unavailable.isEmpty())
            m_unavailable = QStringLiteral("the anchor printed no %1 line").arg(QLatin1String(bench));
        return figure;
    }

    /// The peer's name in a line: tokio_1.24.2_2_workers, or tokio_unavailable.
    [[nodiscard]] QString name() const { return m_unavailable.isEmpty() ? m_name : QStringLiteral("tokio_unavailable"); }
    /// Why there is no Tokio figure (empty when there is).
    [[nodiscard]] const QString &unavailable() const noexcept { return m_unavailable; }

private:
    QString m_script;
    QString m_name = QStringLiteral("tokio");
    QString m_unavailable;
};

// --- the guide's actor: a mailbox of (value, reply sender), the state inside one task ---

using ActorRequest = std::pair<std::uint64_t, oneshot::Sender<std::uint64_t>>;

/// Adds each request's value to its state and replies with the new state.
inline Task<void> sumActor(mpsc::Receiver<ActorRequest> mailbox)
{
    std::uint64_t state = 0;
    while (std::optional<ActorRequest> request = co_await mailbox.recv()) {
        state += request->first;
        (void)request->second.send(state);
    }
}

/// @p count request/reply round trips, one after another; the last reply.
inline Task<std::uint64_t> askActor(mpsc::Sender<ActorRequest> mailbox, std::uint64_t count)
{
    std::uint64_t last = 0;
    for (std::uint64_t value = 0; value < count; ++value) {
        auto [reply, answer] = oneshot::channel<std::uint64_t>();
        (void)co_await mailbox.send(ActorRequest{value, std::move(reply)});
        last = (co_await answer).value_or(0);
    }
    co_return last;
}

/// ns per round trip of @p count requests to an actor with a mailbox of capacity 8, on @p runtime.
inline double actorRoundTrips(Runtime &runtime, std::uint64_t count)
{
    auto [mailbox, inbox] = mpsc::channel<ActorRequest>(8, QStringLiteral("mailbox"));
    JoinHandle<void> actor = runtime.spawn(sumActor(std::move(inbox)));
    const auto start = WallClock::now();
    const std::uint64_t last = runtime.blockOn(askActor(std::move(mailbox), count));
    const double perTrip = nanosecondsSince(start) / double(count);
    runtime.blockOn([](JoinHandle<void> &handle) -> Task<void> { co_await handle.join(); }(actor));
    if (last != count * (count - 1) / 2)
        std::fprintf(stderr, "actor_request_reply: wrong last reply %llu\n", (unsigned long long)last);
    return perTrip;
}

} // namespace taskscope::bench
