// The UI benchmark (taskscope --bench-ui SECONDS). It never passes or fails; it prints one JSON
// line per figure.
//
// 1. "scenario": the real window runs the busiest scenario (actor, 8 clients, 8 µs of handling
//    per message) with the timeline showing the last 10 s, for SECONDS; frame times come from
//    the intervals between QQuickWindow::frameSwapped, the drain+model time from
//    EngineController::lastDrainMs() per frame, the incoming rate from the polls drained. The
//    handling time paces the actor at the goal's 50k polls per second or a little more:
//    without it the actor ran at 160k polls/s, the rings dropped millions of events and the
//    run was over within 2 s, so the frames measured were mostly of a finished run. (10 µs
//    gave 44-60k once the workers ran at nice 19 and yielded to the window; 8 µs gave 52-79k.)
//    Beside the times, the CPU each frame took on the GUI thread, the render thread and
//    (OpenGL) llvmpipe's rasterizer, and what the workers ran meanwhile: on a shared machine
//    the times swing with the other tenants, the work much less, so a change to the window
//    shows there first.
// 2. "ramp": a synthetic trace of 50k polls per second on 4 workers feeds, one after the other,
//    the scene-graph TimelineItem (through EngineController::applyEvents: registry, table, event
//    log and timeline, as a run does) and the peer, a Repeater of Rectangles (RepeaterTimeline.qml)
//    fed the same slices. The window in view holds N slices, N stepping up from 1k; each step
//    lasts SECONDS / 4 (at least 0.3 s). A kind stops ramping after the first step whose p95 is
//    over 16.7 ms; "max_slices_at_60fps" is the largest N with p95 within it (0: not even the
//    first step). The peer is measured again at 5k polls per second.
//
// Every line also carries the machine's load (load_avg_1m, load_avg_5m, cpus, machine_busy):
// the same window measures slower on a machine that other processes keep busy.
//
// Frames are driven continuously (each frameSwapped feeds what arrived since the last frame and
// asks for the next), so the interval between two frames is what one frame costs, not a vsync
// or a timer tick. The GUI-thread stall is the longest gap seen by a 10 ms timer beyond its
// interval.

#include "benchui.h"

#include "uimodule.h"

#ifndef Q_MOC_RUN
#include "engine/enginecontroller.h"
#include "items/timelineitem.h"
#endif

#include <QAbstractListModel>
#include <QDir>
#include <QFile>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickView>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <functional>
#include <map>
#include <vector>

using namespace taskscope;

namespace {

constexpr double s_frameBudgetMs = 1000.0 / 60.0;
constexpr int s_workers = 4;
constexpr double s_goalPollsPerSecond = 50000;
constexpr int s_tasks = 200;
constexpr int s_width = 1200;
constexpr double s_laneHeight = 24;

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = std::size_t(std::clamp(p / 100.0 * double(values.size() - 1) + 0.5, 0.0, double(values.size() - 1)));
    return values[rank];
}

double rounded(double value)
{
    return std::round(value * 1000.0) / 1000.0;
}

/// CPU time each of this process's threads has run so far, in ms, summed by thread name (the
/// kernel's per-thread schedstat; Linux only, empty elsewhere). The frame time says how long a
/// frame took on a shared machine; this says how much work it was, which the other tenants of
/// the machine change far less.
std::map<QString, double> threadCpuMs()
{
    std::map<QString, double> byName;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &thread : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(thread + QStringLiteral("/comm")));
        QFile schedstat(tasks.filePath(thread + QStringLiteral("/schedstat")));
        if (!comm.open(QIODevice::ReadOnly) || !schedstat.open(QIODevice::ReadOnly))
            continue; // the thread ended in between
        // The main thread is the GUI thread, whatever the binary is called.
        const QString name = thread.toLongLong() == QCoreApplication::applicationPid()
            ? QStringLiteral("gui")
            : QString::fromLatin1(comm.readAll()).trimmed();
        byName[name] += QString::fromLatin1(schedstat.readAll()).section(QLatin1Char(' '), 0, 0).toDouble() / 1e6;
    }
    return byName;
}

/// The CPU per frame between two threadCpuMs() readings, in the groups a frame's cost falls in:
/// the GUI thread, Qt Quick's render thread, Mesa's llvmpipe rasterizer threads (none under the
/// software backend) and the runtime's workers (the load, not the window).
QJsonObject cpuPerFrame(const std::map<QString, double> &before, const std::map<QString, double> &after, int frames)
{
    double gui = 0, render = 0, rasterizer = 0, workers = 0;
    for (const auto &[name, ms] : after) {
        const auto earlier = before.find(name);
        const double spent = ms - (earlier == before.end() ? 0.0 : earlier->second);
        if (name == QLatin1String("QSGRenderThread"))
            render += spent;
        else if (name.startsWith(QLatin1String("llvmpipe")))
            rasterizer += spent;
        else if (name.startsWith(QLatin1String("ts-worker")))
            workers += spent;
        else if (name == QLatin1String("gui"))
            gui += spent;
    }
    const double perFrame = 1.0 / std::max(1, frames);
    return QJsonObject{
        {QStringLiteral("gui_cpu_ms_per_frame"), rounded(gui * perFrame)},
        {QStringLiteral("render_cpu_ms_per_frame"), rounded(render * perFrame)},
        {QStringLiteral("rasterizer_cpu_ms_per_frame"), rounded(rasterizer * perFrame)},
        {QStringLiteral("workers_cpu_ms_per_frame"), rounded(workers * perFrame)},
    };
}

/// Runs the event loop for @p seconds (without spinning: the workers need the cores).
void wait(double seconds)
{
    QEventLoop loop;
    QTimer::singleShot(int(seconds * 1000), &loop, &QEventLoop::quit);
    loop.exec();
}

/// How busy the machine was, on every line: a frame time from a machine that other processes
/// keep busy is not the window's alone. The load averages are the kernel's (runnable threads of
/// every process, over 1 and 5 minutes), beside the CPUs they share; a 1-minute load above the
/// CPU count means threads waited for a CPU.
QJsonObject machineLoad()
{
    QJsonObject load{{QStringLiteral("cpus"), QThread::idealThreadCount()}};
    double averages[2] = {};
    if (::getloadavg(averages, 2) == 2) {
        load.insert(QStringLiteral("load_avg_1m"), rounded(averages[0]));
        load.insert(QStringLiteral("load_avg_5m"), rounded(averages[1]));
        load.insert(QStringLiteral("machine_busy"), averages[0] > double(QThread::idealThreadCount()));
    }
    return load;
}

void printLine(QJsonObject line)
{
    line.insert(QStringLiteral("bench"), QStringLiteral("ui"));
    const QJsonObject load = machineLoad();
    for (auto figure = load.begin(); figure != load.end(); ++figure)
        line.insert(figure.key(), figure.value());
    std::printf("%s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

QString backendName(QQuickWindow *window)
{
    switch (window->rendererInterface()->graphicsApi()) {
    case QSGRendererInterface::Software: return QStringLiteral("software");
    case QSGRendererInterface::OpenGL: return QStringLiteral("opengl");
    default: return QStringLiteral("other");
    }
}

/// Frame intervals of one window, a per-frame cost, and the GUI thread's longest stall.
class FrameMeter
{
public:
    explicit FrameMeter(QQuickWindow *window)
        : m_window(window)
    {
        m_stallTimer.setInterval(10);
        QObject::connect(&m_stallTimer, &QTimer::timeout, [this] {
            const double gap = double(m_stallClock.nsecsElapsed()) / 1e6;
            m_stallClock.restart();
            if (gap - 10.0 > m_maxStallMs) {
                m_maxStallMs = gap - 10.0;
                m_maxStallAtS = double(m_sinceStart.nsecsElapsed()) / 1e9;
            }
        });
    }

    /// Measures for @p seconds; @p onFrame runs after each swap (feed the next frame there) and
    /// returns that frame's update cost in ms (or a negative number for none).
    void measure(double seconds, const std::function<double()> &onFrame)
    {
        m_frames.clear();
        m_updates.clear();
        m_maxStallMs = 0;
        m_maxStallAtS = 0;
        m_sinceStart.start();
        QElapsedTimer frame;
        bool first = true;
        const auto connection = QObject::connect(m_window, &QQuickWindow::frameSwapped, m_window, [&] {
            if (!first)
                m_frames.push_back(double(frame.nsecsElapsed()) / 1e6);
            first = false;
            frame.restart();
            const double cost = onFrame();
            if (cost >= 0)
                m_updates.push_back(cost);
            m_window->update();
        }, Qt::QueuedConnection);
        m_stallClock.start();
        m_stallTimer.start();
        m_window->update();
        wait(seconds);
        m_stallTimer.stop();
        QObject::disconnect(connection);
    }

    [[nodiscard]] QJsonObject figures() const
    {
        return QJsonObject{
            {QStringLiteral("frames"), int(m_frames.size())},
            {QStringLiteral("frame_p50_ms"), rounded(percentile(m_frames, 50))},
            {QStringLiteral("frame_p95_ms"), rounded(percentile(m_frames, 95))},
            {QStringLiteral("frame_p99_ms"), rounded(percentile(m_frames, 99))},
            {QStringLiteral("update_p50_ms"), rounded(percentile(m_updates, 50))},
            {QStringLiteral("update_p95_ms"), rounded(percentile(m_updates, 95))},
            {QStringLiteral("max_gui_stall_ms"), rounded(std::max(0.0, m_maxStallMs))},
            {QStringLiteral("max_gui_stall_at_s"), rounded(m_maxStallAtS)},
        };
    }
    [[nodiscard]] double p95() const { return percentile(m_frames, 95); }

private:
    QQuickWindow *m_window;
    std::vector<double> m_frames;
    std::vector<double> m_updates;
    QTimer m_stallTimer;
    QElapsedTimer m_stallClock;
    double m_maxStallMs = 0;
    QElapsedTimer m_sinceStart;
    double m_maxStallAtS = 0; ///< when the longest stall ended, from the start of measuring
};

/// A synthetic trace: 4 workers, each polling one of s_tasks tasks after another, 60% busy,
/// at the given rate in all. Time is nanoseconds of a virtual clock the caller advances.
class SyntheticTrace
{
public:
    explicit SyntheticTrace(double pollsPerSecond)
        : m_pollsPerSecond(pollsPerSecond)
    {
    }

    /// The events from the current time up to @p untilNs, and the slices they make.
    std::vector<TraceEvent> advanceTo(std::int64_t untilNs, std::vector<TimelineSlice> *slices = nullptr)
    {
        std::vector<TraceEvent> events;
        const std::int64_t period = std::int64_t(1e9 * s_workers / m_pollsPerSecond);
        const std::int64_t busy = period * 6 / 10;
        for (int worker = 0; worker < s_workers; ++worker) {
            std::int64_t &next = m_next[std::size_t(worker)];
            if (next == 0)
                next = period * worker / s_workers; // staggered lanes
            while (next + busy <= untilNs) {
                const std::uint64_t task = 1 + (m_poll++ % s_tasks);
                events.push_back({next, task, 0, 0, std::int16_t(worker), TraceKind::PollStart});
                events.push_back({next + busy, task, 0, 0, std::int16_t(worker), TraceKind::PollEnd});
                if (slices)
                    slices->push_back({next, next + busy, task, worker});
                next += period;
            }
        }
        std::sort(events.begin(), events.end(), [](const TraceEvent &a, const TraceEvent &b) { return a.timeNs < b.timeNs; });
        return events;
    }

    /// The tasks' descriptions and spawn events, once.
    static std::vector<TraceEvent> spawns(TraceRecorder::TaskDescriptions *descriptions)
    {
        std::vector<TraceEvent> events;
        for (std::uint64_t task = 1; task <= s_tasks; ++task) {
            descriptions->push_back({task, QStringLiteral("synthetic-%1").arg(task)});
            events.push_back({0, task, 0, 0, -1, TraceKind::Spawn});
        }
        return events;
    }

private:
    double m_pollsPerSecond;
    std::vector<std::int64_t> m_next = std::vector<std::int64_t>(s_workers, 0);
    std::uint64_t m_poll = 0;
};

/// The peer's model: one row per slice in view, at a fixed content position, so scrolling is
/// a move of the content and a frame inserts the new rows and removes the old.
class SliceListModel : public QAbstractListModel
{
public:
    enum Role { LeftRole = Qt::UserRole + 1, TopRole, WidthRole, ColorRole };

    void setScale(double pixelsPerNs, std::int64_t originNs)
    {
        beginResetModel();
        m_rows.clear();
        m_pixelsPerNs = pixelsPerNs;
        m_originNs = originNs;
        endResetModel();
    }
    void append(const std::vector<TimelineSlice> &slices)
    {
        if (slices.empty())
            return;
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + slices.size()) - 1);
        m_rows.insert(m_rows.end(), slices.begin(), slices.end());
        endInsertRows();
    }
    /// Drops the rows that ended before @p startNs.
    void dropBefore(std::int64_t startNs)
    {
        std::size_t count = 0;
        while (count < m_rows.size() && m_rows[count].endNs < startNs)
            ++count;
        if (count == 0)
            return;
        beginRemoveRows({}, 0, int(count) - 1);
        m_rows.erase(m_rows.begin(), m_rows.begin() + std::ptrdiff_t(count));
        endRemoveRows();
    }
    [[nodiscard]] double contentX(std::int64_t timeNs) const { return double(timeNs - m_originNs) * m_pixelsPerNs; }

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    QVariant data(const QModelIndex &index, int role) const override
    {
        const TimelineSlice &slice = m_rows[std::size_t(index.row())];
        switch (role) {
        case LeftRole: return contentX(slice.startNs);
        case TopRole: return slice.worker * (s_laneHeight + TimelineItem::laneGap);
        case WidthRole: return std::max(1.0, double(slice.endNs - slice.startNs) * m_pixelsPerNs);
        case ColorRole: return TimelineData::colorOf(slice.task);
        default: return {};
        }
    }
    QHash<int, QByteArray> roleNames() const override
    {
        return {{LeftRole, "sliceLeft"}, {TopRole, "sliceTop"}, {WidthRole, "sliceWidth"}, {ColorRole, "sliceColor"}};
    }

private:
    std::vector<TimelineSlice> m_rows;
    double m_pixelsPerNs = 0;
    std::int64_t m_originNs = 0;
};

const std::vector<int> s_steps{250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 150000};

/// Phase 1: the real window on the busiest scenario.
void benchScenario(double seconds)
{
    QQmlApplicationEngine engine;
    setUpQmlEngine(engine);
    engine.setInitialProperties({{QStringLiteral("initialPatternId"), QStringLiteral("actor")},
                                 {QStringLiteral("initialParameters"),
                                  QVariantMap{{QStringLiteral("clients"), 8}, {QStringLiteral("ops_per_client"), 100000}, {QStringLiteral("handle_us"), 8}}}});
    engine.load(QUrl(QString::fromLatin1(mainQmlUrl)));
    auto *window = engine.rootObjects().isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    auto *controller = window ? window->findChild<EngineController *>() : nullptr;
    auto *timeline = window ? window->findChild<TimelineItem *>() : nullptr;
    if (!controller || !timeline) {
        std::fprintf(stderr, "taskscope: the benchmark could not load the window\n");
        return;
    }
    window->resize(1600, 1000);
    timeline->setWindowSeconds(10);
    wait(0.3);
    controller->run();
    FrameMeter meter(window);
    const std::map<QString, double> cpuBefore = threadCpuMs();
    std::uint64_t pollsBefore = 0;
    bool firstFrame = true;
    meter.measure(seconds, [&] {
        if (firstFrame) {
            firstFrame = false;
            pollsBefore = controller->pollsDrained();
        }
        return controller->lastDrainMs();
    });
    // Counted as drained (the timeline keeps a bounded number of slices, so its size can't tell).
    const double polls = double(controller->pollsDrained() - pollsBefore);
    const bool stillRunning = controller->state() == EngineController::State::Running;
    const auto dropped = qint64(controller->eventsDropped());
    QJsonObject line = meter.figures();
    const QJsonObject cpu = cpuPerFrame(cpuBefore, threadCpuMs(), line.value(QStringLiteral("frames")).toInt());
    for (auto figure = cpu.begin(); figure != cpu.end(); ++figure)
        line.insert(figure.key(), figure.value());
    line.insert(QStringLiteral("phase"), QStringLiteral("scenario"));
    line.insert(QStringLiteral("scenario"), QStringLiteral("actor clients=8 handle_us=8"));
    line.insert(QStringLiteral("backend"), backendName(window));
    line.insert(QStringLiteral("timeline_window_s"), timeline->windowSeconds());
    line.insert(QStringLiteral("slices_in_view_end"), timeline->sliceCount());
    line.insert(QStringLiteral("polls_per_s"), std::round(polls / seconds));
    line.insert(QStringLiteral("events_dropped"), dropped);
    line.insert(QStringLiteral("still_running"), stillRunning);
    line.insert(QStringLiteral("seconds"), seconds);
    printLine(line);
    controller->reset();
}

/// Phase 2a: the scene-graph TimelineItem in a window of its own, fed through the controller.
int rampTimelineItem(double stepSeconds, double pollsPerSecond, QString *backend)
{
    int best = 0;
    for (const int slicesInView : s_steps) {
        EngineController controller;
        QQuickWindow window;
        window.resize(s_width, int(s_workers * (s_laneHeight + TimelineItem::laneGap)));
        TimelineItem item(window.contentItem());
        item.setSize(window.size());
        item.setLaneHeight(s_laneHeight);
        item.setController(&controller);
        item.setWindowSeconds(double(slicesInView) / pollsPerSecond);
        window.show();
        *backend = backendName(&window);

        SyntheticTrace trace(pollsPerSecond);
        TraceRecorder::TaskDescriptions descriptions;
        controller.applyEvents(SyntheticTrace::spawns(&descriptions), descriptions);
        // Fill the window before measuring, then feed in real time.
        std::int64_t nowNs = std::int64_t(item.windowSeconds() * 1e9);
        controller.applyEvents(trace.advanceTo(nowNs), {});
        QElapsedTimer wall;
        wall.start();
        const std::int64_t startNs = nowNs;
        FrameMeter meter(&window);
        meter.measure(stepSeconds, [&] {
            nowNs = startNs + wall.nsecsElapsed();
            QElapsedTimer cost;
            cost.start();
            controller.applyEvents(trace.advanceTo(nowNs), {});
            emit controller.frameUpdated();
            return double(cost.nsecsElapsed()) / 1e6;
        });
        QJsonObject line = meter.figures();
        line.insert(QStringLiteral("phase"), QStringLiteral("ramp"));
        line.insert(QStringLiteral("timeline"), QStringLiteral("scenegraph"));
        line.insert(QStringLiteral("backend"), *backend);
        line.insert(QStringLiteral("slices_in_view"), item.sliceCount());
        line.insert(QStringLiteral("polls_per_s"), pollsPerSecond);
        printLine(line);
        if (meter.p95() > s_frameBudgetMs)
            break;
        best = slicesInView;
    }
    return best;
}

/// Phase 2b: the Repeater-of-Rectangles peer, fed the same slices.
int rampRepeater(double stepSeconds, double pollsPerSecond, QString *backend)
{
    int best = 0;
    for (const int slicesInView : s_steps) {
        SliceListModel model;
        QQuickView view;
        QQmlEngine *engine = view.engine();
        setUpQmlEngine(*engine);
        view.setInitialProperties({{QStringLiteral("sliceModel"), QVariant::fromValue<QObject *>(&model)}});
        view.setSource(QUrl(QStringLiteral("qrc:/Taskscope/RepeaterTimeline.qml")));
        QQuickItem *root = view.rootObject();
        if (!root) {
            std::fprintf(stderr, "taskscope: the benchmark could not load RepeaterTimeline.qml\n");
            return 0;
        }
        view.resize(s_width, int(s_workers * (s_laneHeight + TimelineItem::laneGap)));
        view.setResizeMode(QQuickView::SizeRootObjectToView);
        view.show();
        *backend = backendName(&view);

        const double windowNs = double(slicesInView) / pollsPerSecond * 1e9;
        model.setScale(s_width / windowNs, 0);
        SyntheticTrace trace(pollsPerSecond);
        std::int64_t nowNs = std::int64_t(windowNs);
        std::vector<TimelineSlice> slices;
        QElapsedTimer fill;
        fill.start();
        (void)trace.advanceTo(nowNs, &slices);
        std::sort(slices.begin(), slices.end(), [](const auto &a, const auto &b) { return a.endNs < b.endNs; });
        model.append(slices);
        root->setProperty("contentX", model.contentX(nowNs - std::int64_t(windowNs)));
        const double fillMs = double(fill.nsecsElapsed()) / 1e6;
        QElapsedTimer wall;
        wall.start();
        const std::int64_t startNs = nowNs;
        FrameMeter meter(&view);
        meter.measure(stepSeconds, [&] {
            nowNs = startNs + wall.nsecsElapsed();
            QElapsedTimer cost;
            cost.start();
            slices.clear();
            (void)trace.advanceTo(nowNs, &slices);
            std::sort(slices.begin(), slices.end(), [](const auto &a, const auto &b) { return a.endNs < b.endNs; });
            model.append(slices);
            model.dropBefore(nowNs - std::int64_t(windowNs));
            root->setProperty("contentX", model.contentX(nowNs - std::int64_t(windowNs)));
            return double(cost.nsecsElapsed()) / 1e6;
        });
        QJsonObject line = meter.figures();
        line.insert(QStringLiteral("phase"), QStringLiteral("ramp"));
        line.insert(QStringLiteral("timeline"), QStringLiteral("repeater"));
        line.insert(QStringLiteral("backend"), *backend);
        line.insert(QStringLiteral("slices_in_view"), model.rowCount());
        line.insert(QStringLiteral("polls_per_s"), pollsPerSecond);
        line.insert(QStringLiteral("fill_ms"), rounded(fillMs));
        printLine(line);
        if (meter.p95() > s_frameBudgetMs)
            break;
        best = slicesInView;
    }
    return best;
}

} // namespace

int runUiBenchmark(QGuiApplication &, double seconds)
{
    seconds = std::clamp(seconds, 0.5, 600.0);
    benchScenario(seconds);
    const double stepSeconds = std::max(0.3, seconds / 4);
    QString backend;
    // The goal's load (50k polls per second) for both; the peer also at a tenth of it, where it
    // has a chance.
    const struct
    {
        const char *timeline;
        double pollsPerSecond;
        int (*ramp)(double, double, QString *);
    } runs[] = {{"scenegraph", s_goalPollsPerSecond, rampTimelineItem},
                {"repeater", s_goalPollsPerSecond, rampRepeater},
                {"repeater", s_goalPollsPerSecond / 10, rampRepeater}};
    for (const auto &run : runs) {
        const int slices = run.ramp(stepSeconds, run.pollsPerSecond, &backend);
        printLine({{QStringLiteral("phase"), QStringLiteral("summary")},
                   {QStringLiteral("timeline"), QString::fromLatin1(run.timeline)},
                   {QStringLiteral("backend"), backend},
                   {QStringLiteral("polls_per_s"), run.pollsPerSecond},
                   {QStringLiteral("max_slices_at_60fps"), slices}});
    }
    return 0;
}
