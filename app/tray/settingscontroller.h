#pragma once

#include "browserintegration.h"
#include "enginesettings.h"

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
// engine's TokenStore: set, test, remove), start at login, and the Kubernetes contexts the
// kubeconfig offers with which of them runs may use (kind-reporunner, the one named in
// REPORUNNER_KUBE_CONTEXT).
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
    Q_PROPERTY(QStringList contexts READ contexts CONSTANT)
    Q_PROPERTY(QString contextsText READ contextsText CONSTANT)
    Q_PROPERTY(rr::tray::EngineSettings *engine READ engine CONSTANT)
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
    // Made on first use (the settings page): it scans the browsers' folders.
    BrowserIntegration *browsers();

    bool autostart() const;
    void setAutostart(bool enabled);

    // "kind-reporunner (allowed: RepoRunner's own kind cluster)", "prod (not allowed: ...)".
    QStringList contexts() const { return m_contexts; }
    QString contextsText() const
    {
        return m_contexts.isEmpty() ? QStringLiteral("No kubeconfig contexts: runs use Docker.")
                                    : m_contexts.join(QLatin1Char('\n'));
    }

Q_SIGNALS:
    void tokenChanged();
    void autostartChanged();

private:
    void settle(const QString &state, const QString &message);

    source::TokenStore *m_tokens;
    QString m_tokenState = QStringLiteral("unknown");
    QString m_tokenMessage;
    bool m_busy = false;
    QStringList m_contexts;
    EngineSettings *m_engine;
    BrowserIntegration *m_browsers = nullptr;
};

} // namespace rr::tray
