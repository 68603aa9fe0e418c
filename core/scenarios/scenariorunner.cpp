#include "scenarios/scenariorunner.h"

#include "time/timeout.h"
#include "trace/chrometrace.h"
#include "trace/taskregistry.h"
#include "trace/tracerecorder.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <thread>

namespace taskscope {

namespace {

QJsonValue toJsonValue(const QVariant &value)
{
    if (value.typeId() == QMetaType::QStringList)
        return QJsonArray::fromStringList(value.toStringList());
    if (value.typeId() == QMetaType::QVariantList)
        return QJsonArray::fromVariantList(value.toList());
    return QJsonValue::fromVariant(value);
}

QJsonObject toJsonObject(const QVariantMap &map)
{
    QJsonObject object;
    for (auto it = map.begin(); it != map.end(); ++it)
        object.insert(it.key(), toJsonValue(it.value()));
    return object;
}

/// Rank of an event's ring for a stable total order: outside first, then worker 0, 1, …
int ringRank(const TraceEvent &event)
{
    return event.worker < 0 ? 0 : event.worker + 1;
}

} // namespace

QString ScenarioRunner::applySetting(const Scenario &scenario, const QString &setting, QVariantMap &parameters)
{
    const qsizetype equals = setting.indexOf(QLatin1Char('='));
    if (equals <= 0)
        return QStringLiteral("--set \"%1\" needs the form NAME=VALUE").arg(setting);
    const QString name = setting.left(equals).trimmed();
    const auto spec = scenario.parameter(name);
    if (!spec) {
        QStringList names;
        for (const ParameterSpec &each : scenario.parameters())
            names << each.name;
        return QStringLiteral("scenario %1 has no parameter \"%2\"; its parameters are: %3")
            .arg(scenario.id(), name, names.join(QStringLiteral(", ")));
    }
    QString error;
    const auto value = spec->parse(setting.mid(equals + 1), &error);
    if (!value)
        return error;
    parameters.insert(name, *value);
    return {};
}

QString ScenarioRunner::validate(ScenarioRunOptions &options)
{
    const Scenario *scenario = ScenarioCatalog::find(options.scenario);
    if (!scenario)
        return QStringLiteral("unknown scenario \"%1\"; valid scenarios are: %2")
            .arg(options.scenario, ScenarioCatalog::ids().join(QStringLiteral(", ")));
    const std::optional<ResolvedVariant> variant = scenario->resolveVariant(options.variant);
    if (!variant)
        return QStringLiteral("--variant \"%1\" is not valid for %2; use one of: %3")
            .arg(options.variant, scenario->id(), scenario->variants().join(QStringLiteral(", ")));
    options.variant = variant->id;
    if (!options.deterministic
        && (options.workers < RuntimeConfig::minWorkerThreads || options.workers > RuntimeConfig::maxWorkerThreads))
        return QStringLiteral("--workers %1 is out of range; valid range is %2–%3")
            .arg(options.workers).arg(RuntimeConfig::minWorkerThreads).arg(RuntimeConfig::maxWorkerThreads);
    if (!(options.durationSeconds >= 0 && options.durationSeconds <= 86400))
        return QStringLiteral("--duration %1 is out of range; valid range is 0–86400 seconds (0: until the "
                              "scenario ends)")
            .arg(options.durationSeconds);
    for (auto it = options.parameters.begin(); it != options.parameters.end(); ++it) {
        const auto spec = scenario->parameter(it.key());
        if (!spec)
            return QStringLiteral("scenario %1 has no parameter \"%2\"").arg(scenario->id(), it.key());
        QString error;
        if (!spec->validate(it.value(), &error))
            return error;
    }
    if (!options.traceOut.isEmpty()) {
        const QFileInfo target(options.traceOut);
        const QFileInfo directory(target.absolutePath());
        if (!directory.isDir())
            return QStringLiteral("cannot write the trace to %1: the directory %2 does not exist")
                .arg(options.traceOut, directory.filePath());
        if (!directory.isWritable())
            return QStringLiteral("cannot write the trace to %1: the directory %2 is not writable")
                .arg(options.traceOut, directory.filePath());
        if (target.isDir())
            return QStringLiteral("cannot write the trace to %1: it is a directory").arg(options.traceOut);
    }
    return {};
}

std::optional<ScenarioRunReport> ScenarioRunner::run(const ScenarioRunOptions &options, QString *error)
{
    const Scenario *scenario = ScenarioCatalog::find(options.scenario);
    if (!scenario) {
        if (error)
            *error = QStringLiteral("unknown scenario \"%1\"").arg(options.scenario);
        return std::nullopt;
    }
    RuntimeConfig config;
    if (options.deterministic) {
        config = RuntimeConfig::deterministic(options.seed);
    } else {
        config.workerThreads = options.workers;
        config.rngSeed = options.seed;
    }
    config.threadName = QStringLiteral("ts-worker");

    ScenarioRunReport report;
    report.options = options;
    if (const std::optional<ResolvedVariant> variant = scenario->resolveVariant(options.variant))
        report.options.variant = variant->id;
    report.parameters = scenario->defaultParameters();
    report.parameters.insert(options.parameters);

    std::vector<TraceEvent> events;
    ObjectNames objectNames;
    QHash<std::uint64_t, QString> taskNames;
    {
        // Declared in this order so that they go in the reverse one: the runtime first (its
        // workers stop and the frames left are destroyed), then the context those frames may
        // refer to, then the recorder. A run cut at its duration can leave tasks running on
        // the workers after the root is done, and a worker that read the sink just before
        // setTraceSink(nullptr) may still be writing into the recorder until the runtime stops.
        TraceRecorder recorder(config.workerThreads);
        std::optional<ScenarioContext> contextStorage;
        Runtime runtime(config);
        runtime.setTraceSink(&recorder);
        ScenarioContext &context = contextStorage.emplace(
            ScenarioContext{runtime, report.parameters, report.options.variant,
                            std::chrono::duration_cast<Duration>(std::chrono::duration<double>(options.durationSeconds))});
        auto runIt = [](const Scenario &s, ScenarioContext &c) -> Task<QVariantMap> {
            QVariantMap metrics;
            if (c.duration <= Duration::zero()) {
                metrics = co_await s.run(c);
            } else if (auto limited = co_await timeout(c.duration, s.run(c)); !limited.timedOut()) {
                metrics = std::move(limited.value());
            } else {
                // The scenario's frame is gone with its locals; what it shared with its tasks
                // is still there, and says what ran.
                metrics = c.metricsSoFar ? c.metricsSoFar() : QVariantMap();
                metrics.insert(QStringLiteral("stopped_at_duration"), true);
            }
            // What it shares (a token bucket whose refill task it aborts when it goes) is let
            // go here, on the runtime, like the scenario's frames: the context outlives it.
            c.metricsSoFar = nullptr;
            co_return metrics;
        };
        JoinHandle<QVariantMap> handle = runtime.spawn(runIt(*scenario, context), scenario->id());
        const TaskId root = handle.id();
        // Drain while it runs, so long runs do not overflow the rings. The batches are joined
        // once at the end: appending each to one growing vector copied the run's events again
        // at every doubling, into fresh pages, and this thread's page faults and copies took
        // CPU from the workers it was recording (on two cores, a third of the machine).
        std::vector<std::vector<TraceEvent>> batches;
        std::size_t total = 0;
        auto drainBatch = [&] {
            std::vector<TraceEvent> batch;
            recorder.drain(batch);
            total += batch.size();
            if (!batch.empty())
                batches.push_back(std::move(batch));
        };
        while (!handle.isFinished()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            drainBatch();
        }
        runtime.setTraceSink(nullptr);
        drainBatch();
        events.reserve(total);
        for (std::vector<TraceEvent> &batch : batches) {
            events.insert(events.end(), batch.begin(), batch.end());
            batch = {};
        }
        JoinResult<QVariantMap> result = handle.result();
        if (!result.isOk()) {
            if (error)
                *error = QStringLiteral("scenario %1 failed: %2").arg(scenario->id(), QString::fromUtf8(result.error().what()));
            return std::nullopt;
        }
        report.metrics = result.value();
        report.stoppedAtDuration = report.metrics.value(QStringLiteral("stopped_at_duration")).toBool();
        report.workers = config.workerThreads;
        report.tasksSpawned = runtime.tasksSpawned();
        for (const WorkerStats &worker : runtime.workerStats()) {
            report.polls += worker.polls;
            report.steals += worker.steals;
        }
        report.eventsDropped = recorder.eventsDropped();
        objectNames = recorder.objectNames();
        const TraceRecorder::TaskDescriptions descriptions = recorder.takeTaskDescriptions();
        for (const TraceRecorder::TaskDescription &description : descriptions) {
            taskNames.insert(description.task,
                             description.name.isEmpty() ? QStringLiteral("task %1").arg(description.task) : description.name);
        }

        // One total order, whatever the drain batches were: time, then ring (stable).
        std::stable_sort(events.begin(), events.end(), [](const TraceEvent &a, const TraceEvent &b) {
            return a.timeNs != b.timeNs ? a.timeNs < b.timeNs : ringRank(a) < ringRank(b);
        });
        // Keep the run itself: from the root's spawn to its completion. Parks before and after
        // depend on thread timing, and would make deterministic traces differ.
        const auto first = std::find_if(events.begin(), events.end(), [root](const TraceEvent &e) {
            return e.kind == TraceKind::Spawn && e.task == root;
        });
        auto end = std::find_if(first, events.end(), [root](const TraceEvent &e) {
            return e.kind == TraceKind::Complete && e.task == root;
        });
        if (end != events.end())
            ++end;
        events.erase(end, events.end());
        events.erase(events.begin(), first);
        report.eventsRecorded = events.size();
        // The task view's warnings, as the GUI shows them (long polls and why, spinning).
        TaskRegistry registry;
        registry.apply(events, descriptions);
        report.warnings = warningLines(registry.warnings());
    }

    if (!options.traceOut.isEmpty()) {
        ChromeTraceInput input;
        input.events = std::move(events);
        for (int index = 0; index < config.workerThreads; ++index)
            input.workerNames << config.workerName(index);
        input.taskNames = taskNames;
        input.objectNames = objectNames;
        if (!writeChromeTrace(options.traceOut, input, error))
            return std::nullopt;
    }
    return report;
}

QJsonObject ScenarioRunReport::toJson() const
{
    QJsonObject runtime{
        {QStringLiteral("workers"), workers},
        {QStringLiteral("tasks_spawned"), qint64(tasksSpawned)},
        {QStringLiteral("polls"), qint64(polls)},
        {QStringLiteral("steals"), qint64(steals)},
        {QStringLiteral("events_recorded"), qint64(eventsRecorded)},
        {QStringLiteral("events_dropped"), qint64(eventsDropped)},
    };
    return QJsonObject{
        {QStringLiteral("scenario"), options.scenario},
        {QStringLiteral("variant"), options.variant},
        {QStringLiteral("seed"), qint64(options.seed)},
        {QStringLiteral("deterministic"), options.deterministic},
        {QStringLiteral("duration_s"), options.durationSeconds},
        {QStringLiteral("params"), toJsonObject(parameters)},
        {QStringLiteral("metrics"), toJsonObject(metrics)},
        {QStringLiteral("runtime"), runtime},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
    };
}

QString ScenarioRunReport::summary() const
{
    QStringList lines;
    lines << QStringLiteral("scenario %1 (%2%3), %4 worker(s)")
                 .arg(options.scenario, options.variant,
                      options.deterministic ? QStringLiteral(", deterministic, seed %1").arg(options.seed) : QString())
                 .arg(workers);
    QStringList params;
    for (auto it = parameters.begin(); it != parameters.end(); ++it)
        params << QStringLiteral("%1=%2").arg(it.key(), it.value().toString());
    lines << QStringLiteral("  parameters: %1").arg(params.join(QStringLiteral(" ")));
    if (stoppedAtDuration)
        lines << QStringLiteral("  stopped at --duration %1 s: the metrics below are of what ran until then")
                     .arg(options.durationSeconds);
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        QString value;
        if (it.value().typeId() == QMetaType::Nullptr) {
            value = QStringLiteral("none"); // not measured: a latency when nothing was cancelled
        } else if (it.value().canConvert<QVariantList>() && it.value().typeId() != QMetaType::QString) {
            QStringList items;
            for (const QVariant &item : it.value().toList()) {
                // A record (a breaker transition) reads best as compact JSON.
                items << (item.typeId() == QMetaType::QVariantMap
                              ? QString::fromUtf8(QJsonDocument(toJsonObject(item.toMap())).toJson(QJsonDocument::Compact))
                              : item.toString());
            }
            value = QStringLiteral("[%1]").arg(items.join(QStringLiteral(", ")));
        } else {
            value = it.value().toString();
        }
        lines << QStringLiteral("  %1: %2").arg(it.key(), value);
    }
    lines << QStringLiteral("  runtime: %1 tasks spawned, %2 polls, %3 steals, %4 events recorded, %5 dropped")
                 .arg(tasksSpawned).arg(polls).arg(steals).arg(eventsRecorded).arg(eventsDropped);
    for (const QString &warning : warnings)
        lines << QStringLiteral("  warning: %1").arg(warning);
    return lines.join(QLatin1Char('\n'));
}

} // namespace taskscope
