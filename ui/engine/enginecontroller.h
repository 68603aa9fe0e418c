#pragma once

/// EngineController: owns the runtime of the scenario on screen and gives QML the controls
/// (run, pause, step, reset, speed) and the live views (task table, timeline, metrics).
///
/// QML never holds engine pointers: a timer at display rate drains the trace into the task
/// registry, the timeline data and the pattern pages' feed, then emits frameUpdated(). The
/// views that are read rather than watched — the task table, the event log, the warnings, the
/// awaiting lines, the task detail — follow at most every slowViewIntervalMs while a run goes
/// (slowViewsUpdated()): text that changes sixty times a second cannot be read, and rebinding
/// it each frame cost the busiest scenario most of its frame time (mostly in the QML garbage
/// collector). When the run is paused, stepped or over, they follow every drain. The counts and
/// the clock the pages print keep that pace too (readoutsDue(), Readout.qml).

#include "engine/patternstate.h"
#include "engine/timelinedata.h"
#include "models/eventlogmodel.h"
#include "models/taskcardmodel.h"
#include "models/tasktablemodel.h"
#include "runtime/runtime.h"
#include "scenarios/scenario.h"
#include "trace/taskregistry.h"
#include "trace/tracerecorder.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QQuickWindow>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <memory>
#include <optional>

namespace taskscope {

class EngineController : public QObject
{
    Q_OBJECT
    QML_ELEMENT

    /// The scenario on screen; changing it resets the run and forgets the parameter values.
    Q_PROPERTY(QString scenarioId READ scenarioId WRITE setScenarioId NOTIFY scenarioIdChanged)
    Q_PROPERTY(bool hasScenario READ hasScenario NOTIFY scenarioIdChanged)
    Q_PROPERTY(QVariantMap parameters READ parameters WRITE setParameters NOTIFY parametersChanged)
    /// The scenario's schema for the parameter panel: a list of {name, label, type, minimum,
    /// maximum, defaultValue, unit, help, choices, live}.
    Q_PROPERTY(QVariantList parameterSchema READ parameterSchema NOTIFY scenarioIdChanged)
    /// Every parameter's value as the next run will use it (defaults filled in).
    Q_PROPERTY(QVariantMap effectiveParameters READ effectiveParameters NOTIFY parametersChanged)
    /// True when the values differ from the running ones: they apply on Reset.
    Q_PROPERTY(bool parametersPending READ parametersPending NOTIFY parametersPendingChanged)
    /// The variant the next run takes: seed (the guide's code, defect included) or robust where
    /// the scenario ships both, else guide (its one variant). Applies on Reset.
    Q_PROPERTY(QString variant READ variant WRITE setVariant NOTIFY variantChanged)
    /// The scenario's variants: seed and robust, or guide alone (nothing to switch).
    Q_PROPERTY(QStringList variants READ variants NOTIFY scenarioIdChanged)
    Q_PROPERTY(int workers READ workers WRITE setWorkers NOTIFY workersChanged)
    Q_PROPERTY(bool deterministic READ deterministic WRITE setDeterministic NOTIFY deterministicChanged)
    Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY seedChanged)
    Q_PROPERTY(double speed READ speed WRITE setSpeed NOTIFY speedChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(double elapsedMs READ elapsedMs NOTIFY frameUpdated)
    Q_PROPERTY(QVariantMap metrics READ metrics NOTIFY metricsChanged)
    Q_PROPERTY(QStringList warnings READ warnings NOTIFY slowViewsUpdated)
    Q_PROPERTY(QStringList workerNames READ workerNames NOTIFY workerNamesChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(TaskTableModel *taskModel READ taskModel CONSTANT)
    Q_PROPERTY(EventLogModel *eventLog READ eventLog CONSTANT)
    /// The pattern pages' feed: named counters (latest value, history) and recent instants.
    Q_PROPERTY(PatternState *patternState READ patternState CONSTANT)
    /// The task shown in the detail pane and outlined on the timeline (0: none).
    Q_PROPERTY(qint64 selectedTask READ selectedTask WRITE setSelectedTask NOTIFY selectedTaskChanged)
    /// The window whose frames pace the drains (the main window sets itself); none: a timer
    /// alone does, at display rate.
    Q_PROPERTY(QQuickWindow *frameWindow READ frameWindow WRITE setFrameWindow NOTIFY frameWindowChanged)
    /// The selected task's details: the table's fields, wakes, percentiles, warnings and two
    /// histograms (pollHistogram, scheduledHistogram: counts per histogramLabels bucket).
    Q_PROPERTY(QVariantMap taskDetail READ taskDetail NOTIFY taskDetailChanged)

    // Pattern pages: where tasks wait now, and presets.
    /// "file:line" → how many live tasks are suspended at that await now (see slowViewInterval).
    Q_PROPERTY(QVariantMap awaitingLines READ awaitingLines NOTIFY slowViewsUpdated)
    /// The presets shipped for this scenario: a list of {title, description, url}.
    Q_PROPERTY(QVariantList presets READ presets NOTIFY scenarioIdChanged)
    /// What the last preset loaded named that this version lacks, left out (Preset::notes).
    Q_PROPERTY(QStringList presetNotes READ presetNotes NOTIFY presetNotesChanged)
    /// The runtime and join-set pages' cards: the newest tasks, each in the lane of its state.
    Q_PROPERTY(TaskCardModel *taskCards READ taskCards CONSTANT)

public:
    enum class State { Idle, Running, Paused, Finished };
    Q_ENUM(State)

    static constexpr double minSpeed = 0.05;
    static constexpr double maxSpeed = 4.0;

    explicit EngineController(QObject *parent = nullptr);
    ~EngineController() override;

    [[nodiscard]] QString scenarioId() const { return m_scenarioId; }
    void setScenarioId(const QString &id);
    [[nodiscard]] bool hasScenario() const { return ScenarioCatalog::find(m_scenarioId) != nullptr; }
    [[nodiscard]] QVariantMap parameters() const { return m_parameters; }
    void setParameters(const QVariantMap &parameters);
    [[nodiscard]] QVariantList parameterSchema() const;
    [[nodiscard]] QVariantMap effectiveParameters() const;
    [[nodiscard]] bool parametersPending() const;
    /// Sets one parameter after checking it against the schema; false (and errorText) if invalid.
    /// A live parameter (ParameterSpec::live) also reaches the running scenario at once; the
    /// others apply on Reset.
    Q_INVOKABLE bool setParameter(const QString &name, const QVariant &value);
    [[nodiscard]] QString variant() const;
    /// Chooses between seed and robust; the choice stays for the next two-variant scenario. A
    /// one-variant scenario's own id changes nothing (there is no choice to make).
    void setVariant(const QString &variant);
    [[nodiscard]] QStringList variants() const;
    [[nodiscard]] int workers() const { return m_workers; }
    void setWorkers(int workers);
    [[nodiscard]] bool deterministic() const { return m_deterministic; }
    void setDeterministic(bool deterministic);
    [[nodiscard]] int seed() const { return m_seed; }
    void setSeed(int seed);
    [[nodiscard]] double speed() const { return m_speed; }
    void setSpeed(double speed);
    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] double elapsedMs() const;
    [[nodiscard]] QVariantMap metrics() const { return m_metrics; }
    [[nodiscard]] QStringList warnings() const { return m_warnings; }
    [[nodiscard]] QStringList workerNames() const { return m_timeline.workerNames(); }
    [[nodiscard]] QString errorText() const { return m_errorText; }
    [[nodiscard]] TaskTableModel *taskModel() { return &m_taskModel; }
    [[nodiscard]] EventLogModel *eventLog() { return &m_eventLog; }
    [[nodiscard]] PatternState *patternState() { return &m_patternState; }
    // Pattern pages: where tasks wait now, and presets.
    [[nodiscard]] QVariantMap awaitingLines() const { return m_awaitingLines; }
    [[nodiscard]] QVariantList presets() const;
    /// Applies the preset at @p url (a file, or a qrc: one shipped with the app): its scenario,
    /// variant and parameters, as the parameter panel would set them. Returns "" on success,
    /// else one line naming the field at fault; on failure nothing changes. What the file
    /// names that this version lacks is left out and listed in presetNotes.
    Q_INVOKABLE QString loadPreset(const QUrl &url);
    [[nodiscard]] QStringList presetNotes() const { return m_presetNotes; }
    /// Saves the scenario, variant and every parameter's value to @p url; "" or the problem
    /// (naming the path and why: a read-only folder, a full disk). An existing file stays
    /// whole when the save fails.
    Q_INVOKABLE QString savePreset(const QUrl &url) const;
    [[nodiscard]] TaskCardModel *taskCards() { return &m_taskCards; }

    [[nodiscard]] qint64 selectedTask() const { return m_selectedTask; }
    void setSelectedTask(qint64 task);
    [[nodiscard]] QVariantMap taskDetail() const { return m_taskDetail; }
    /// The longest the slow views lag behind a running scenario.
    static constexpr int slowViewIntervalMs = 100;
    /// Polls drained since the controller was made (the benchmark's incoming rate).
    [[nodiscard]] std::uint64_t pollsDrained() const { return m_pollsDrained; }
    /// Events the trace rings dropped in this run because a drain came too late.
    [[nodiscard]] std::uint64_t eventsDropped() const { return m_recorder ? m_recorder->eventsDropped() : 0; }
    /// How long the last drain took (trace → registry, table, log, timeline), for the benchmark.
    [[nodiscard]] double lastDrainMs() const { return m_lastDrainMs; }
    /// Whether a parameter applies while the scenario runs; the others apply on Reset.
    [[nodiscard]] static bool isLiveParameter(const ParameterSpec &spec);
    /// Bucket edges of the detail histograms: powers of two from 1 µs; the last is open.
    [[nodiscard]] static QStringList histogramLabels();
    /// Counts of @p samplesNs (ns) per histogramLabels() bucket.
    [[nodiscard]] static QVariantList histogram(const std::vector<std::int64_t> &samplesNs);
    /// The polls drained so far (the timeline item reads it on the GUI thread).
    [[nodiscard]] const TimelineData &timeline() const { return m_timeline; }

    /// Starts the scenario (or continues a paused one).
    Q_INVOKABLE void run();
    /// Freezes the clock and holds the workers after their current poll.
    Q_INVOKABLE void pause();
    /// While paused: one poll, or time to the next timer.
    Q_INVOKABLE void step();
    /// Paused, and the last pause() or step() has had its whole effect: nothing runs until
    /// the next step() or run(). A drain then shows everything up to this instant.
    [[nodiscard]] Q_INVOKABLE bool isSettled() const;
    /// Stops the run (cancelling its tasks) and clears the views; parameters apply from here.
    Q_INVOKABLE void reset();
    /// Drains the trace into the views now (the timer, or the frame window's frames, do this
    /// at display rate).
    Q_INVOKABLE void drain();
    [[nodiscard]] QQuickWindow *frameWindow() const { return m_frameWindow; }
    void setFrameWindow(QQuickWindow *window);
    /// The timer's interval with no frame window, and the least time between two drains that
    /// follow frames.
    static constexpr int drainIntervalMs = 16;
    static constexpr int drainAfterFrameMinMs = 12;
    /// With a frame window: the timer only stands in when no frame has come for this long
    /// (a window that draws nothing, or one that is hidden).
    static constexpr int drainFallbackMs = 40;
    /// Feeds @p events (and the task descriptions they refer to) into the registry, the table,
    /// the event log and the timeline, as drain() does with what the trace recorder holds.
    /// The UI benchmark calls it with a synthetic trace.
    void applyEvents(const std::vector<TraceEvent> &events,
                     const TraceRecorder::TaskDescriptions &descriptions);
    /// Where Ctrl+Shift+S saves the window: the Pictures folder, a timestamped name.
    Q_INVOKABLE QString screenshotPath() const;
    /// Saves @p window as a PNG at @p path, atomically (savePngFile): "" on success, else one
    /// line naming the path and the reason; an existing file is left whole on failure.
    Q_INVOKABLE QString saveWindowImage(QQuickWindow *window, const QString &path) const;

signals:
    void scenarioIdChanged();
    void parametersChanged();
    void workersChanged();
    void variantChanged();
    void deterministicChanged();
    void seedChanged();
    void speedChanged();
    void stateChanged();
    void metricsChanged();
    void workerNamesChanged();
    void errorTextChanged();
    void parametersPendingChanged();
    void selectedTaskChanged();
    void frameWindowChanged();
    void taskDetailChanged();
    /// New events were drained: the timeline and the pattern feed have changed.
    void frameUpdated();
    /// The table, the log, the warnings and the awaiting lines have changed.
    void slowViewsUpdated();
    /// Time for the numbers a page prints (counts, the clock) to show their latest values: at
    /// the slow views' pace, whether or not anything changed (Readout.qml follows it).
    void readoutsDue();
    /// A preset was applied; @p scenarioId may differ from the page's (the sidebar follows).
    void presetApplied(const QString &scenarioId);
    void presetNotesChanged();

private:
    void setState(State state);
    void setErrorText(const QString &text);
    void startRun();
    void stopRun();
    /// The runtime the next run gets, from the toolbar's settings.
    [[nodiscard]] RuntimeConfig runtimeConfig() const;
    /// The timeline's lanes: one per worker of @p config, named as its threads will be.
    void showLanesOf(const RuntimeConfig &config);
    /// While idle, the lanes of the next run (so the timeline is not empty before Run).
    void showPlannedLanes();
    void updateAwaitingLines();
    void updateTaskDetail();
    /// Brings the task table, the event log, the warnings, the awaiting lines and the task
    /// detail up to date with what was applied since the last time.
    void refreshSlowViews();

    QString m_scenarioId;
    QVariantMap m_parameters;
    QString m_variant = QStringLiteral("robust"); // the seed/robust choice (variant() resolves it)
    int m_workers = 2;
    bool m_deterministic = false;
    int m_seed = 0;
    double m_speed = 1.0;
    State m_state = State::Idle;
    QVariantMap m_metrics;
    QVariantMap m_runningParameters; // what the current run started with
    QStringList m_warnings;
    QString m_errorText;
    /// m_errorText is the last run's failure (its root task threw), which Reset clears; a
    /// parameter's error stays until the parameter is fixed.
    bool m_errorTextIsTheRuns = false;

    // The run: destroyed in reverse order (the runtime cancels its tasks first).
    std::unique_ptr<TraceRecorder> m_recorder;
    /// Each frame's events, drained into the same allocation: a fresh vector of a frame's
    /// thousands of events was a fresh mmap, and its page faults cost the GUI thread.
    std::vector<TraceEvent> m_drained;
    std::unique_ptr<ScenarioContext> m_context;
    std::unique_ptr<Runtime> m_runtime;
    std::optional<JoinHandle<QVariantMap>> m_run;
    TaskRegistry m_registry;
    TimelineData m_timeline;
    TaskTableModel m_taskModel;
    EventLogModel m_eventLog;
    PatternState m_patternState;
    QHash<std::uint64_t, QString> m_taskNames; // for the event log
    QTimer m_frameTimer;
    QPointer<QQuickWindow> m_frameWindow;
    QElapsedTimer m_sinceDrain;
    QElapsedTimer m_slowViewsClock;       // since refreshSlowViews last ran
    QVariantMap m_awaitingLines; // "file:line" → tasks idle there
    mutable QString m_presetsFor = QStringLiteral("\n"); // the scenario m_presets was read for
    mutable QVariantList m_presets;
    QStringList m_presetNotes;
    qint64 m_selectedTask = 0;
    double m_lastDrainMs = 0;
    std::uint64_t m_pollsDrained = 0;
    QVariantMap m_taskDetail;
    TaskCardModel m_taskCards;
};

} // namespace taskscope
