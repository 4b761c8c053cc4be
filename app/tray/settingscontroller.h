#pragma once

#include "browserintegration.h"
#include "contextlistmodel.h"
#include "enginesettings.h"
#include "limitsettings.h"
#include "retentionsettings.h"

#include <QObject>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace rr::source {
class TokenStore;
}
namespace rr::runs {
class Orchestrator;
}

namespace rr::tray {

// The settings screen: the GitHub token in the desktop keychain (QtKeychain through the
// engine's TokenStore: set, test, remove), start at login, the engine's knobs (runtime, build
// parallelism, network), quota and limits, retention and cleanup, browser integration, and the
// Kubernetes contexts the kubeconfig offers with which of them runs may use.
class SettingsController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the tray app")
    Q_DISABLE_COPY_MOVE(SettingsController)
    // "unknown" until tested, then "stored" | "none" | "error"; busy while the keychain works.
    Q_PROPERTY(QString tokenState READ tokenState NOTIFY tokenChanged)
    Q_PROPERTY(QString tokenMessage READ tokenMessage NOTIFY tokenChanged)
    Q_PROPERTY(bool tokenBusy READ tokenBusy NOTIFY tokenChanged)
    Q_PROPERTY(bool autostart READ autostart WRITE setAutostart NOTIFY autostartChanged)
    Q_PROPERTY(rr::tray::ContextListModel *contexts READ contexts CONSTANT)
    Q_PROPERTY(rr::tray::EngineSettings *engine READ engine CONSTANT)
    Q_PROPERTY(rr::tray::LimitSettings *limits READ limits CONSTANT)
    Q_PROPERTY(rr::tray::RetentionSettings *retention READ retention CONSTANT)
    Q_PROPERTY(rr::tray::BrowserIntegration *browsers READ browsers CONSTANT)

public:
    SettingsController(source::TokenStore *tokens, runs::Orchestrator *orchestrator,
                       QObject *parent = nullptr);

    static QString githubHost() { return QStringLiteral("github.com"); }

    QString tokenState() const { return m_tokenState; }
    QString tokenMessage() const { return m_tokenMessage; }
    bool tokenBusy() const { return m_busy; }
    Q_INVOKABLE void setToken(const QString &token);
    Q_INVOKABLE void testToken();
    Q_INVOKABLE void removeToken();

    EngineSettings *engine() const { return m_engine; }
    LimitSettings *limits() const { return m_limits; }
    RetentionSettings *retention() const { return m_retention; }
    // Made on first use (the settings page): it reads the kubeconfig.
    ContextListModel *contexts();
    // Made on first use (the settings page): it scans the browsers' folders.
    BrowserIntegration *browsers();

    bool autostart() const;
    void setAutostart(bool enabled);

Q_SIGNALS:
    void tokenChanged();
    void autostartChanged();

private:
    void settle(const QString &state, const QString &message);

    source::TokenStore *m_tokens;
    QString m_tokenState = QStringLiteral("unknown");
    QString m_tokenMessage;
    bool m_busy = false;
    EngineSettings *m_engine;
    LimitSettings *m_limits;
    RetentionSettings *m_retention;
    ContextListModel *m_contexts = nullptr;
    BrowserIntegration *m_browsers = nullptr;
};

} // namespace rr::tray
