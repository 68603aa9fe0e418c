#include "engine/enginecontroller.h"

#include "engine/pngfile.h"
#include "scenarios/preset.h"
#include "uimodule.h"

#include <QDateTime>
#include <QDirIterator>
#include <QFileInfo>
#include <QDir>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <cmath>

Q_LOGGING_CATEGORY(lcUi, "taskscope.ui")

namespace taskscope {

namespace {

/// QML hands numbers over as doubles, and a double's text can be "1e+05": give the schema an
/// integer parameter's value as an integer, so validation reads "100000".
QVariant asSpecType(const ParameterSpec &spec, const QVariant &value)
{
    if (spec.type == ParameterSpec::Type::Int && value.typeId() == QMetaType::Double) {
        const double number = value.toDouble();
        if (std::isfinite(number) && number == std::floor(number) && std::abs(number) < 9e15)
            return QVariant(qlonglong(number));
    }
    if (spec.type == ParameterSpec::Type::Double && value.typeId() == QMetaType::Double)
        return QString::number(value.toDouble(), 'f', 6);
    return value;
}

} // namespace

EngineController::EngineController(QObject *parent)
    : QObject(parent)
{
    m_taskModel.setRegistry(&m_registry);
    m_taskCards.setRegistry(&m_registry);
    m_frameTimer.setInterval(drainIntervalMs); // display rate
    connect(&m_frameTimer, &QTimer::timeout, this, &EngineController::drain);
    showPlannedLanes(); // before a run, the lanes the next run will have
}

EngineController::~EngineController()
{
    stopRun();
}

void EngineController::setScenarioId(const QString &id)
{
    if (id == m_scenarioId)
        return;
    reset();
    m_scenarioId = id;
    // Another scenario's values mean nothing here (and would fail its validation).
    if (!m_parameters.isEmpty()) {
        m_parameters.clear();
        emit parametersChanged();
    }
    emit scenarioIdChanged();
    emit variantChanged(); // variant() depends on what the scenario offers
}

void EngineController::setParameters(const QVariantMap &parameters)
{
    if (parameters == m_parameters)
        return;
    m_parameters = parameters;
    emit parametersChanged();
}

QVariantList EngineController::parameterSchema() const
{
    QVariantList schema;
    const Scenario *scenario = ScenarioCatalog::find(m_scenarioId);
    if (!scenario)
        return schema;
    static const char *const typeNames[] = {"int", "double", "bool", "choice"};
    for (const ParameterSpec &spec : scenario->parameters()) {
        schema.append(QVariantMap{
            {QStringLiteral("name"), spec.name},
            {QStringLiteral("label"), spec.label},
            {QStringLiteral("type"), QString::fromLatin1(typeNames[int(spec.type)])},
            {QStringLiteral("minimum"), spec.minimum},
            {QStringLiteral("maximum"), spec.maximum},
            {QStringLiteral("defaultValue"), spec.defaultValue},
            {QStringLiteral("unit"), spec.unit},
            {QStringLiteral("help"), QStringLiteral("%1 (%2)").arg(spec.help, spec.rangeText())},
            {QStringLiteral("choices"), spec.choices},
            {QStringLiteral("live"), spec.live},
        });
    }
    return schema;
}

bool EngineController::isLiveParameter(const ParameterSpec &spec)
{
    return spec.live;
}

QVariantMap EngineController::effectiveParameters() const
{
    const Scenario *scenario = ScenarioCatalog::find(m_scenarioId);
    if (!scenario)
        return m_parameters;
    QVariantMap values = scenario->defaultParameters();
    values.insert(m_parameters);
    return values;
}

bool EngineController::parametersPending() const
{
    return m_state != State::Idle && effectiveParameters() != m_runningParameters;
}

bool EngineController::setParameter(const QString &name, const QVariant &value)
{
    const Scenario *scenario = ScenarioCatalog::find(m_scenarioId);
    const auto spec = scenario ? scenario->parameter(name) : std::nullopt;
    if (!spec) {
        setErrorText(tr("Unknown parameter %1").arg(name));
        return false;
    }
    QString error;
    const auto valid = spec->validate(asSpecType(*spec, value), &error);
    if (!valid) {
        setErrorText(error);
        return false;
    }
    setErrorText({});
    QVariantMap parameters = m_parameters;
    parameters.insert(name, *valid);
    setParameters(parameters);
    // A live parameter reaches the running scenario now (the others wait for Reset), so it
    // is part of what the run is using and does not count as pending.
    if (spec->live && m_context && m_state != State::Idle) {
        m_context->live->set(name, valid->toDouble());
        m_runningParameters.insert(name, *valid);
    }
    emit parametersPendingChanged();
    return true;
}

QString EngineController::variant() const
{
    const Scenario *scenario = ScenarioCatalog::find(m_scenarioId);
    if (!scenario)
        return m_variant;
    const QStringList offered = scenario->variants();
    return offered.contains(m_variant) ? m_variant : scenario->defaultVariant();
}

void EngineController::setVariant(const QString &variant)
{
    const QStringList offered = variants();
    if (variant == m_variant || (offered.size() == 1 && offered.constFirst() == variant))
        return;
    const QString before = this->variant();
    m_variant = variant;
    if (this->variant() != before)
        emit variantChanged();
}

QStringList EngineController::variants() const
{
    const Scenario *scenario = ScenarioCatalog::find(m_scenarioId);
    return scenario ? scenario->variants() : QStringList();
}

void EngineController::setWorkers(int workers)
{
    workers = std::clamp(workers, RuntimeConfig::minWorkerThreads, RuntimeConfig::maxWorkerThreads);
    if (workers == m_workers)
        return;
    m_workers = workers;
    emit workersChanged();
    showPlannedLanes();
}

void EngineController::setDeterministic(bool deterministic)
{
    if (deterministic == m_deterministic)
        return;
    m_deterministic = deterministic;
    emit deterministicChanged();
    showPlannedLanes();
}

void EngineController::setSeed(int seed)
{
    if (seed == m_seed)
        return;
    m_seed = seed;
    emit seedChanged();
}

void EngineController::setSpeed(double speed)
{
    speed = std::clamp(speed, minSpeed, maxSpeed);
    if (qFuzzyCompare(speed, m_speed))
        return;
    m_speed = speed;
    if (m_runtime)
        m_runtime->setTimeScale(speed); // live
    emit speedChanged();
}

double EngineController::elapsedMs() const
{
    return double(m_timeline.latestNs()) / 1e6;
}

void EngineController::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged();
    emit parametersPendingChanged();
}

void EngineController::setErrorText(const QString &text)
{
    m_errorTextIsTheRuns = false;
    if (text == m_errorText)
        return;
    m_errorText = text;
    emit errorTextChanged();
}

void EngineController::run()
{
    if (m_state == State::Paused) {
        m_runtime->resume();
        setState(State::Running);
        return;
    }
    if (m_state == State::Running)
        return;
    reset();
    startRun();
}

RuntimeConfig EngineController::runtimeConfig() const
{
    RuntimeConfig config;
    if (m_deterministic) {
        config = RuntimeConfig::deterministic(std::uint64_t(m_seed));
        config.pacedVirtualTime = true; // watchable: virtual time runs at most speed × wall time
    } else {
        config.workerThreads = m_workers;
        config.rngSeed = std::uint64_t(m_seed);
    }
    config.timeScale = m_speed;
    // The window must keep its frames while a scenario keeps every worker busy: the workers run
    // at the lowest priority, so a frame's threads (GUI, render, a CPU rasterizer) get a core the
    // moment they wake, and the workers have whatever the window leaves. On 2 cores under
    // llvmpipe, 19 against the earlier 5 took the busiest scenario's frame p95 from 15.5 to
    // 13.8 ms (taskscope --bench-ui, interleaved, 7 runs each; better in 6 of 7), and the
    // workers, under a window redrawing back to back, from 56k to 52k polls a second.
    config.workerNiceness = RuntimeConfig::maxWorkerNiceness;
    return config;
}

void EngineController::showLanesOf(const RuntimeConfig &config)
{
    QStringList names;
    for (int index = 0; index < config.workerThreads; ++index)
        names << config.workerName(index);
    if (names == m_timeline.workerNames())
        return;
    m_timeline.setWorkerNames(names);
    emit workerNamesChanged();
}

void EngineController::showPlannedLanes()
{
    if (m_state == State::Idle)
        showLanesOf(runtimeConfig());
}

void EngineController::startRun()
{
    const Scenario *scenario = ScenarioCatalog::find(m_scenarioId);
    if (!scenario) {
        setErrorText(tr("There is no runnable scenario for \"%1\" yet.").arg(m_scenarioId));
        return;
    }
    QVariantMap values = scenario->defaultParameters();
    for (auto it = m_parameters.begin(); it != m_parameters.end(); ++it) {
        const auto spec = scenario->parameter(it.key());
        QString error;
        const auto valid = spec ? spec->validate(asSpecType(*spec, it.value()), &error) : std::nullopt;
        if (!valid) {
            setErrorText(spec ? error : tr("Unknown parameter %1").arg(it.key()));
            return;
        }
        values.insert(it.key(), *valid);
    }
    const RuntimeConfig config = runtimeConfig();
    try {
        m_runtime = std::make_unique<Runtime>(config);
    } catch (const std::exception &error) {
        qCWarning(lcUi) << "could not start the runtime:" << error.what();
        setErrorText(QString::fromUtf8(error.what()));
        return;
    }
    setErrorText({});
    m_recorder = std::make_unique<TraceRecorder>(config.workerThreads);
    m_runtime->setTraceSink(m_recorder.get());
    showLanesOf(config);
    m_context = std::make_unique<ScenarioContext>(ScenarioContext{*m_runtime, values, variant(), {}});
    m_runningParameters = values;
    m_run = m_runtime->spawn(scenario->run(*m_context), scenario->id());
    m_frameTimer.start();
    setState(State::Running);
}

void EngineController::pause()
{
    if (m_state != State::Running || !m_runtime)
        return;
    m_runtime->pause();
    setState(State::Paused);
}

void EngineController::step()
{
    if (!m_runtime)
        return;
    if (m_state == State::Running)
        pause();
    if (m_state == State::Paused)
        m_runtime->step();
}

bool EngineController::isSettled() const
{
    return m_state == State::Paused && m_runtime && m_runtime->isSettled();
}

void EngineController::stopRun()
{
    m_frameTimer.stop();
    m_run.reset();
    if (m_runtime)
        m_runtime->setTraceSink(nullptr);
    m_runtime.reset(); // cancels what is left, destroys the frames
    // Only now: a scenario's first poll sets metricsSoFar on a worker, so the context is
    // touched here once no worker runs (what the function shares holds no runtime).
    m_context.reset();
    m_recorder.reset();
}

void EngineController::reset()
{
    stopRun();
    if (m_errorTextIsTheRuns)
        setErrorText({});
    m_registry = TaskRegistry();
    m_timeline.clear();
    m_taskModel.setRegistry(&m_registry);
    m_taskCards.setRegistry(&m_registry);
    m_eventLog.clear();
    m_patternState.clear();
    m_taskNames.clear();
    m_slowViewsClock.invalidate();
    m_warnings.clear();
    updateTaskDetail();
    if (!m_metrics.isEmpty()) {
        m_metrics.clear();
        emit metricsChanged();
    }
    setState(State::Idle);
    showPlannedLanes();
    updateAwaitingLines();
    emit frameUpdated();
    emit slowViewsUpdated();
}

QString EngineController::screenshotPath() const
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (folder.isEmpty() || !QDir().mkpath(folder))
        folder = QDir::homePath();
    return QDir(folder).filePath(QStringLiteral("taskscope-%1.png")
                                     .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
}

QString EngineController::saveWindowImage(QQuickWindow *window, const QString &path) const
{
    if (!window)
        return QStringLiteral("cannot save %1: there is no window").arg(path);
    return savePngFile(window->grabWindow(), path);
}

void EngineController::setFrameWindow(QQuickWindow *window)
{
    if (window == m_frameWindow)
        return;
    if (m_frameWindow)
        disconnect(m_frameWindow, nullptr, this, nullptr);
    m_frameWindow = window;
    if (window) {
        // Right after a frame's sync the GUI thread is free while the render thread draws
        // that frame: a drain there (and the bindings it wakes) is done before the next
        // sync, where a drain on a timer of its own often came just before one and held it.
        // Emitted on the render thread while this thread waits in the sync; queued, the
        // drain runs as soon as the sync lets go.
        connect(window, &QQuickWindow::afterSynchronizing, this, [this] {
            if (m_frameTimer.isActive() && (!m_sinceDrain.isValid() || m_sinceDrain.elapsed() >= drainAfterFrameMinMs))
                drain();
        }, Qt::QueuedConnection);
        connect(window, &QObject::destroyed, this, [this] {
            m_frameTimer.setInterval(drainIntervalMs); // m_frameWindow is null already
            emit frameWindowChanged();
        });
    }
    m_frameTimer.setInterval(window ? drainFallbackMs : drainIntervalMs);
    emit frameWindowChanged();
}

void EngineController::drain()
{
    m_sinceDrain.start();
    if (m_frameWindow && m_frameTimer.isActive())
        m_frameTimer.start(); // the fallback counts from the last drain
    if (!m_recorder)
        return;
    QElapsedTimer cost;
    cost.start();
    m_recorder->drain(m_drained);
    applyEvents(m_drained, m_recorder->takeTaskDescriptions());
    // The timeline scrolls with the runtime's clock even when nothing happens, and stops
    // when the clock is paused.
    if (m_runtime && m_state == State::Running)
        m_timeline.advance(m_runtime->now().time_since_epoch().count());
    if (m_run && m_run->isFinished() && m_state != State::Finished) {
        JoinResult<QVariantMap> result = m_run->result();
        if (result.isOk()) {
            m_metrics = result.value();
            emit metricsChanged();
        } else {
            setErrorText(QString::fromUtf8(result.error().what()));
            m_errorTextIsTheRuns = true;
        }
        setState(State::Finished);
        m_run.reset();
        refreshSlowViews(); // the last events, at once
    }
    m_lastDrainMs = double(cost.nsecsElapsed()) / 1e6;
    emit frameUpdated();
}

void EngineController::applyEvents(const std::vector<TraceEvent> &events,
                                   const TraceRecorder::TaskDescriptions &descriptions)
{
    for (const TraceRecorder::TaskDescription &description : descriptions)
        m_taskNames.insert(description.task, description.name);
    m_registry.apply(events, descriptions);
    const ObjectNames objectNames = m_recorder ? m_recorder->objectNames() : ObjectNames();
    m_patternState.apply(events, objectNames);
    m_eventLog.stage(events);
    for (const TraceEvent &event : events) {
        switch (event.kind) {
        case TraceKind::PollStart:
            ++m_pollsDrained;
            m_timeline.pollStarted(event.worker, event.task, event.timeNs);
            break;
        case TraceKind::PollEnd: m_timeline.pollEnded(event.worker, event.timeNs); break;
        case TraceKind::Steal: m_timeline.stole(event.worker, int(event.object), event.task, event.timeNs); break;
        case TraceKind::Park: m_timeline.parked(event.worker, event.timeNs); break;
        case TraceKind::Unpark: m_timeline.unparked(event.worker, event.timeNs); break;
        case TraceKind::Lost: m_timeline.lost(event.worker, event.timeNs, std::int64_t(event.object)); break;
        case TraceKind::Wake:
            m_timeline.woken(event.task, event.object, event.worker, event.value == 1, event.timeNs);
            break;
        default: m_timeline.advance(event.timeNs); break;
        }
    }
    if (m_state != State::Running || !m_slowViewsClock.isValid() || m_slowViewsClock.elapsed() >= slowViewIntervalMs)
        refreshSlowViews();
}

void EngineController::refreshSlowViews()
{
    m_slowViewsClock.start();
    // Pruned here, with the table's rows, so a row never outlives its task.
    m_registry.prune(m_registry.lastEventTime());
    const ObjectNames objectNames = m_recorder ? m_recorder->objectNames() : ObjectNames();
    m_eventLog.flush(m_taskNames, objectNames);
    m_taskModel.refresh();
    m_taskCards.refresh();
    const QStringList warnings = warningLines(m_registry.warnings());
    const QVariantMap before = m_awaitingLines;
    updateAwaitingLines();
    if (m_selectedTask != 0)
        updateTaskDetail();
    if (warnings != m_warnings || before != m_awaitingLines) {
        m_warnings = warnings;
        emit slowViewsUpdated();
    }
    emit readoutsDue();
}

void EngineController::setSelectedTask(qint64 task)
{
    if (task == m_selectedTask)
        return;
    m_selectedTask = task;
    emit selectedTaskChanged();
    updateTaskDetail();
}

QStringList EngineController::histogramLabels()
{
    static const QStringList labels = [] {
        QStringList out;
        for (int bucket = 0; bucket < 21; ++bucket) {
            const double us = std::ldexp(1.0, bucket);
            out << (us < 1000 ? QStringLiteral("%1µs").arg(us) : us < 1e6 ? QStringLiteral("%1ms").arg(us / 1000, 0, 'g', 3)
                                                                       : QStringLiteral("%1s").arg(us / 1e6, 0, 'g', 3));
        }
        return out;
    }();
    return labels;
}

QVariantList EngineController::histogram(const std::vector<std::int64_t> &samplesNs)
{
    const int buckets = int(histogramLabels().size());
    std::vector<int> counts(std::size_t(buckets), 0);
    for (const std::int64_t ns : samplesNs) {
        // Bucket b holds [2^b µs, 2^(b+1) µs); below 1 µs goes to the first, above to the last.
        const double us = double(ns) / 1000.0;
        const int bucket = us < 1.0 ? 0 : std::min(buckets - 1, int(std::floor(std::log2(us))));
        ++counts[std::size_t(bucket)];
    }
    QVariantList out;
    for (const int count : counts)
        out << count;
    return out;
}

void EngineController::updateTaskDetail()
{
    QVariantMap detail;
    const TaskInfo *task = m_selectedTask > 0 ? m_registry.task(TaskId(m_selectedTask)) : nullptr;
    if (task) {
        const auto ms = [](Duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
        QStringList warnings;
        for (const TaskWarning &warning : m_registry.warnings()) {
            if (warning.task == task->id)
                warnings << warning.message;
        }
        detail = QVariantMap{
            {QStringLiteral("id"), quint64(task->id)},
            {QStringLiteral("name"), task->name.isEmpty() ? QStringLiteral("task %1").arg(task->id) : task->name},
            {QStringLiteral("state"), taskStateName(task->state)},
            {QStringLiteral("color"), TimelineData::colorOf(task->id)},
            {QStringLiteral("worker"), task->worker},
            {QStringLiteral("polls"), quint64(task->polls)},
            {QStringLiteral("wakes"), quint64(task->wakes)},
            {QStringLiteral("selfWakes"), quint64(task->selfWakes)},
            {QStringLiteral("busyMs"), ms(task->busy)},
            {QStringLiteral("scheduledMs"), ms(task->scheduled)},
            {QStringLiteral("idleMs"), ms(task->idle)},
            {QStringLiteral("longestPollMs"), ms(task->longestPoll)},
            {QStringLiteral("pollP50Ms"), ms(task->pollPercentile(50))},
            {QStringLiteral("pollP99Ms"), ms(task->pollPercentile(99))},
            {QStringLiteral("scheduledP50Ms"), ms(task->scheduledPercentile(50))},
            {QStringLiteral("scheduledP99Ms"), ms(task->scheduledPercentile(99))},
            {QStringLiteral("spawnedAt"), task->spawnedAt},
            {QStringLiteral("awaitingAt"), task->awaitingAt},
            {QStringLiteral("parent"), quint64(task->parent)},
            {QStringLiteral("pollHistogram"), histogram(task->pollSamples)},
            {QStringLiteral("scheduledHistogram"), histogram(task->scheduledSamples)},
            {QStringLiteral("histogramLabels"), histogramLabels()},
            {QStringLiteral("warnings"), warnings},
        };
    }
    if (detail == m_taskDetail)
        return;
    m_taskDetail = detail;
    emit taskDetailChanged();
}

// Pattern pages: where tasks wait now, and presets.

void EngineController::updateAwaitingLines()
{
    QHash<QString, int> counts;
    for (const TaskInfo *task : m_registry.tasks()) {
        if (task->state != TaskState::Idle || task->awaitingAt.isEmpty())
            continue;
        // source_location gives the path the compiler saw; the code panel knows bare names.
        const qsizetype colon = task->awaitingAt.lastIndexOf(QLatin1Char(':'));
        const qsizetype slash = task->awaitingAt.lastIndexOf(QLatin1Char('/'), colon);
        ++counts[task->awaitingAt.mid(slash + 1)];
    }
    QVariantMap lines;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        lines.insert(it.key(), it.value());
    m_awaitingLines = lines;
}

QVariantList EngineController::presets() const
{
    // Read once per scenario: QML bindings ask for the list more than once.
    if (m_presetsFor == m_scenarioId)
        return m_presets;
    m_presetsFor = m_scenarioId;
    m_presets.clear();
    if (!hasScenario()) // presets for a scenario still to come wait for it
        return m_presets;
    QVariantList &list = m_presets;
    QDirIterator files(QStringLiteral(":/Taskscope/presets/") + m_scenarioId, {QStringLiteral("*.json")}, QDir::Files);
    QStringList paths;
    while (files.hasNext())
        paths << files.next();
    paths.sort();
    for (const QString &path : std::as_const(paths)) {
        QString error;
        const auto preset = taskscope::loadPreset(path, &error);
        if (!preset) {
            qCWarning(lcUi) << "shipped preset rejected:" << error;
            continue;
        }
        list.append(QVariantMap{{QStringLiteral("title"), preset->title.isEmpty() ? QFileInfo(path).baseName() : preset->title},
                                {QStringLiteral("description"), preset->description},
                                {QStringLiteral("url"), QUrl(QStringLiteral("qrc") + path)}});
    }
    return m_presets;
}

namespace {

/// A file path QFile opens: local files as they are, qrc:/x as :/x.
QString presetPath(const QUrl &url)
{
    if (url.scheme() == QLatin1String("qrc"))
        return QLatin1Char(':') + url.path();
    return url.isLocalFile() ? url.toLocalFile() : url.toString();
}

} // namespace

QString EngineController::loadPreset(const QUrl &url)
{
    QString error;
    const auto preset = taskscope::loadPreset(presetPath(url), &error);
    if (!preset)
        return error;
    setScenarioId(preset->scenario);
    setVariant(preset->variant);
    setParameters(preset->parameters); // left-out parameters take their defaults
    if (preset->notes != m_presetNotes) {
        m_presetNotes = preset->notes;
        emit presetNotesChanged();
    }
    setErrorText({});
    emit parametersPendingChanged();
    emit presetApplied(preset->scenario);
    return {};
}

QString EngineController::savePreset(const QUrl &url) const
{
    return taskscope::savePreset(presetPath(url), m_scenarioId, variant(), effectiveParameters());
}

} // namespace taskscope
