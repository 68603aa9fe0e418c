#pragma once

// The fixture behind the pattern-page tests (tests/ui/pages/): opens the whole window on a
// pattern, deterministic (one worker, virtual clock paced at the highest speed), runs it for a
// stretch of scenario time, pauses, drains, and gives the page and the traced counters to check.
// Every test fails on any QML warning (qtwarnings.h).

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "uimodule.h"

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#include "engine/patternstate.h"
#endif

#include "qtwarnings.h"

#include <algorithm>

namespace taskscope::test {

/// The visible items under @p item (in the visual tree: a Repeater's delegates have no
/// QObject parent) named @p name.
inline QList<QQuickItem *> itemsNamed(QQuickItem *item, const QString &name)
{
    QList<QQuickItem *> found;
    if (!item->isVisible())
        return found;
    if (item->objectName() == name)
        found << item;
    for (QQuickItem *child : item->childItems())
        found << itemsNamed(child, name);
    return found;
}

inline QQuickItem *itemNamed(QQuickItem *item, const QString &name)
{
    const QList<QQuickItem *> found = itemsNamed(item, name);
    return found.isEmpty() ? nullptr : found.constFirst();
}

/// How many of @p items have @p property equal to @p value.
inline int countWhere(const QList<QQuickItem *> &items, const char *property, const QVariant &value)
{
    return int(std::count_if(items.begin(), items.end(), [&](QQuickItem *item) { return item->property(property) == value; }));
}

/// Owns one window per test: call open() in the test, close() in cleanup().
class PageFixture
{
public:
    /// Installs the warning collector; call from initTestCase() with the test's name.
    static void setUpTestCase(const char *applicationName)
    {
        QStandardPaths::setTestModeEnabled(true);
        QGuiApplication::setOrganizationName(QStringLiteral("TaskscopeTest"));
        QGuiApplication::setApplicationName(QString::fromLatin1(applicationName));
        s_previousHandler = qInstallMessageHandler(recordMessage);
    }

    /// Forgets saved settings and collected warnings; call from init().
    static void setUpTest()
    {
        QSettings().clear();
        s_messages.clear();
    }

    /// Opens the window on @p patternId, deterministic at the highest speed, with @p parameters.
    bool open(const QString &patternId, const QString &variant, const QVariantMap &parameters)
    {
        m_engine = new QQmlApplicationEngine;
        taskscope::setUpQmlEngine(*m_engine);
        QObject::connect(m_engine, &QQmlEngine::warnings, m_engine, [](const QList<QQmlError> &warnings) {
            for (const QQmlError &warning : warnings)
                s_messages.append(warning.toString());
        });
        m_engine->setInitialProperties({{"initialPatternId", patternId}, {"initialParameters", parameters}});
        m_engine->load(QUrl(QString::fromLatin1(taskscope::mainQmlUrl)));
        m_window = m_engine->rootObjects().isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
        if (!m_window || !QTest::qWaitForWindowExposed(m_window))
            return false;
        m_controller = m_window->findChild<taskscope::EngineController *>();
        if (!m_controller)
            return false;
        m_controller->setVariant(variant);
        m_controller->setDeterministic(true);
        m_controller->setSpeed(taskscope::EngineController::maxSpeed);
        return true;
    }

    /// Resets the run and closes the window; call from cleanup().
    void close()
    {
        if (m_controller)
            m_controller->reset();
        delete m_engine;
        m_engine = nullptr;
        m_window = nullptr;
        m_controller = nullptr;
    }

    /// Runs until the scenario's clock reaches @p ms, then pauses and drains what ran.
    bool runUntil(double ms)
    {
        m_controller->run();
        // Paced virtual time with thousands of 1 ms timers (the rate limiter's refused
        // clients) takes many seconds of wall time; with a CPU hog per core (make test-load)
        // every step waits for a worker to get a core again, and 1.5 s took over a minute.
        if (!QTest::qWaitFor([this, ms] { return m_controller->elapsedMs() >= ms; }, 180000))
            return false;
        m_controller->pause();
        return settleAndShow();
    }

    /// One step of the paused run, drained and shown.
    bool stepAndShow()
    {
        m_controller->step();
        return settleAndShow();
    }

    /// Waits until the paused run has settled (or finished), drains it, and waits for the
    /// page's next frame: the page then shows everything that ran.
    bool settleAndShow()
    {
        if (!QTest::qWaitFor([this] { return m_controller->isSettled()
                                             || m_controller->state() == taskscope::EngineController::State::Finished; },
                             20000))
            return false;
        m_controller->drain();
        return waitForFrame();
    }

    /// Waits for the window to render a frame started after this call.
    bool waitForFrame()
    {
        QSignalSpy swapped(m_window, &QQuickWindow::frameSwapped);
        m_window->update();
        return swapped.wait(20000);
    }

    /// The page in the Pattern tab (nullptr while there is none).
    [[nodiscard]] QQuickItem *page() const
    {
        auto *loader = m_window->findChild<QObject *>(QStringLiteral("patternPageLoader"));
        return loader ? loader->property("item").value<QQuickItem *>() : nullptr;
    }

    /// The QML file the Pattern tab loaded ("" while none).
    [[nodiscard]] QString pageSource() const
    {
        auto *loader = m_window->findChild<QObject *>(QStringLiteral("patternPageLoader"));
        return loader ? loader->property("source").toString() : QString();
    }

    /// The latest value of the traced counter @p name, -1 if it was never traced.
    [[nodiscard]] qlonglong counter(const char *name) const
    {
        return m_controller->patternState()->value(QString::fromLatin1(name), -1).toLongLong();
    }

    [[nodiscard]] QQuickWindow *window() const { return m_window; }
    [[nodiscard]] taskscope::EngineController *controller() const { return m_controller; }

private:
    QQmlApplicationEngine *m_engine = nullptr;
    QQuickWindow *m_window = nullptr;
    taskscope::EngineController *m_controller = nullptr;
};

} // namespace taskscope::test
