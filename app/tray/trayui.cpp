#include "trayui.h"

#include <QJSEngine>
#include <QQmlEngine>

namespace rr::tray {

namespace {

QPointer<TrayUi> s_instance;

} // namespace

TrayUi::TrayUi(RunListModel *runs, LogModel *logs, RunController *controller, SettingsController *settings,
               NewRunController *newRun, ConsentStore *consent, PreviewController *preview,
               bool trayAvailable, QObject *parent)
    : QObject(parent)
    , m_runs(runs)
    , m_logs(logs)
    , m_controller(controller)
    , m_settings(settings)
    , m_newRun(newRun)
    , m_consent(consent)
    , m_preview(preview)
    , m_trayAvailable(trayAvailable)
{
    s_instance = this;
}

TrayUi::~TrayUi() = default;

TrayUi *TrayUi::create(QQmlEngine *, QJSEngine *)
{
    Q_ASSERT(s_instance);
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

void TrayUi::setNow(const QDateTime &now)
{
    if (now == m_now)
        return;
    m_now = now;
    Q_EMIT nowChanged();
}

QString TrayUi::duration(double ms)
{
    if (ms < 0)
        return QStringLiteral("…");
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(qRound64(ms));
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
    const qint64 s = qRound64(ms / 1000.0);
    return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
}

QString TrayUi::age(const QDateTime &created, const QDateTime &now)
{
    const qint64 s = std::max<qint64>(0, created.secsTo(now));
    if (s < 60)
        return QStringLiteral("%1 s ago").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min ago").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1 h ago").arg(s / 3600);
    return QStringLiteral("%1 d ago").arg(s / 86400);
}

} // namespace rr::tray
