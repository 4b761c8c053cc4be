#include "previewcontroller.h"

#include "runlistmodel.h"
#include "traylog.h"

#include "runs/runjson.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QOpenGLContext>

// Qt WebEngine's way in: QtGui exports these for it (Qt's private qopenglcontext_p.h declares
// them; QtWebEngine's own sources declare them the same way).
QT_BEGIN_NAMESPACE
Q_GUI_EXPORT void qt_gl_set_global_share_context(QOpenGLContext *context);
Q_GUI_EXPORT QOpenGLContext *qt_gl_global_share_context();
QT_END_NAMESPACE

namespace rr::tray {

namespace {

// What QtWebEngineQuick::initialize() arranges before the application exists, done when the
// first preview opens instead: a global OpenGL context for the web view's windows to share.
// Made at startup (Qt::AA_ShareOpenGLContexts) it loads the OpenGL driver into every tray app,
// about 57 MB resident with Mesa, for a preview most sessions never open. Windows made after
// this (the preview's) share with it; the main window, made before, does not need to.
QOpenGLContext *s_shareContext = nullptr;

void dropSharedGl()
{
    if (qt_gl_global_share_context() == s_shareContext)
        qt_gl_set_global_share_context(nullptr);
    delete s_shareContext;
    s_shareContext = nullptr;
}

void shareGlForWebEngine()
{
    if (qt_gl_global_share_context())
        return;
    s_shareContext = new QOpenGLContext;
    if (!s_shareContext->create()) {
        // Qt WebEngine then composites in software; the page still shows.
        qCInfo(lcTray) << "no OpenGL context to share with the preview";
        dropSharedGl();
        return;
    }
    qt_gl_set_global_share_context(s_shareContext);
    qAddPostRoutine(dropSharedGl);
}

} // namespace

PreviewController::PreviewController(RunListModel *runs, bool embedded, QObject *parent)
    : QObject(parent)
    , m_runs(runs)
    , m_embedded(embedded)
{
    connect(m_runs, &RunListModel::runsChanged, this, &PreviewController::onRunsChanged);
}

QString PreviewController::origin() const
{
    return m_url.isEmpty() ? QString()
                           : m_url
                                 .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                           QUrl::RemoveUserInfo)
                                 .toString();
}

void PreviewController::open(const QString &runId)
{
    const int row = m_runs->indexOf(runId);
    const QString address = row < 0 ? QString() : runs::RunJson::primaryUrl(m_runs->records().at(row));
    if (address.isEmpty()) {
        Q_EMIT message(QStringLiteral("This run has no preview URL yet."));
        return;
    }
    const QUrl url(address);
    if (!m_embedded) {
        openInBrowser(url);
        return;
    }
    if (runId == m_runId && url == m_url) {
        Q_EMIT raiseRequested();
        return;
    }
    // Another run: the old view (and its profile) goes before the new one is made, so no two
    // runs' pages ever share a view's storage.
    close();
    shareGlForWebEngine();
    m_runId = runId;
    m_url = url;
    m_title = RunListModel::displayName(m_runs->records().at(row));
    qCInfo(lcTray) << "embedded preview of" << runId << "on" << origin();
    Q_EMIT previewChanged();
}

void PreviewController::close()
{
    if (m_runId.isEmpty())
        return;
    m_runId.clear();
    m_url.clear();
    m_title.clear();
    Q_EMIT previewChanged();
}

bool PreviewController::sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.isValid() && b.isValid() && !a.host().isEmpty() && a.scheme() == b.scheme() &&
           a.host() == b.host() &&
           a.port(a.scheme() == QLatin1String("https") ? 443 : 80) ==
               b.port(b.scheme() == QLatin1String("https") ? 443 : 80);
}

bool PreviewController::allows(const QUrl &target) const
{
    return !m_url.isEmpty() && sameOrigin(target, m_url);
}

void PreviewController::openInBrowser(const QUrl &target)
{
    const QString scheme = target.scheme();
    // Only web addresses: a page must not get a file or a custom scheme opened by the desktop.
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        Q_EMIT message(QStringLiteral("Not opened: %1 is not a web address.").arg(target.toDisplayString()));
        return;
    }
    if (!QDesktopServices::openUrl(target))
        Q_EMIT message(QStringLiteral("No browser opened %1.").arg(target.toDisplayString()));
}

void PreviewController::onRunsChanged()
{
    if (m_runId.isEmpty())
        return;
    // A stopped or removed run's address serves nothing (or, later, another run): the view closes.
    const int row = m_runs->indexOf(m_runId);
    if (row < 0 || !runs::isActive(m_runs->records().at(row).state) ||
        runs::RunJson::primaryUrl(m_runs->records().at(row)).isEmpty())
        close();
}

} // namespace rr::tray
