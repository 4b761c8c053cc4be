#include "settingscontroller.h"

#include "autostartentry.h"
#include "traylog.h"

#include "source/tokenstore.h"

namespace rr::tray {

SettingsController::SettingsController(source::TokenStore *tokens, runs::Orchestrator *orchestrator,
                                       QObject *parent)
    : QObject(parent)
    , m_tokens(tokens)
    , m_engine(new EngineSettings(orchestrator, QString(), this))
    , m_limits(new LimitSettings(orchestrator, QString(), this))
    , m_retention(new RetentionSettings(orchestrator, QString(), this))
{
    m_retention->watchDailyPass();
}

ContextListModel *SettingsController::contexts()
{
    if (!m_contexts)
        m_contexts = new ContextListModel(QString(), QStringList(), this);
    return m_contexts;
}

BrowserIntegration *SettingsController::browsers()
{
    if (!m_browsers)
        m_browsers = new BrowserIntegration(QString(), QString(), this);
    return m_browsers;
}

void SettingsController::settle(const QString &state, const QString &message)
{
    m_busy = false;
    m_tokenState = state;
    m_tokenMessage = message;
    qCInfo(lcTray) << "token state:" << state; // never the token itself
    Q_EMIT tokenChanged();
}

void SettingsController::setToken(const QString &token)
{
    const QString trimmed = token.trimmed();
    if (trimmed.isEmpty()) {
        settle(m_tokenState, QStringLiteral("Paste a token first."));
        return;
    }
    m_busy = true;
    Q_EMIT tokenChanged();
    m_tokens->write(githubHost(), trimmed).then(this, [this](const core::Result<bool> &written) {
        if (!written)
            settle(QStringLiteral("error"), written.error().message);
        else
            settle(QStringLiteral("stored"), QStringLiteral("Token saved in the keychain."));
    });
}

void SettingsController::testToken()
{
    m_busy = true;
    Q_EMIT tokenChanged();
    m_tokens->read(githubHost()).then(this, [this](const core::Result<QString> &read) {
        if (!read)
            settle(QStringLiteral("error"), read.error().message);
        else if (read->isEmpty())
            settle(QStringLiteral("none"), QStringLiteral("No token stored: public repositories only."));
        else
            settle(QStringLiteral("stored"),
                   QStringLiteral("A token is stored (%1 characters); fetches from github.com use it.")
                       .arg(read->size()));
    });
}

void SettingsController::removeToken()
{
    m_busy = true;
    Q_EMIT tokenChanged();
    m_tokens->remove(githubHost()).then(this, [this](const core::Result<bool> &removed) {
        if (!removed)
            settle(QStringLiteral("error"), removed.error().message);
        else
            settle(QStringLiteral("none"), QStringLiteral("Token removed from the keychain."));
    });
}

bool SettingsController::autostart() const
{
    return AutostartEntry::forCurrentUser().isEnabled();
}

void SettingsController::setAutostart(bool enabled)
{
    AutostartEntry entry = AutostartEntry::forCurrentUser();
    if (const core::Result<void> done = entry.setEnabled(enabled); !done)
        qCWarning(lcTray) << done.error().message;
    else
        qCInfo(lcTray) << "start at login:" << enabled << entry.entryPath();
    Q_EMIT autostartChanged();
}

} // namespace rr::tray
