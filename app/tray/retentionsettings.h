#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace rr::runs {
class Orchestrator;
struct PruneReport;
} // namespace rr::runs

namespace rr::tray {

// Retention and cleanup in the settings: what the daily pass keeps (newest images per service,
// images and build cache younger than N days, clone-cache repositories used in the last N days;
// runs::RetentionPolicy, remembered in tray.ini) and "Clean up now", the same pass as
// `reporunner prune`, with what it removed.
// Not final: QML registration derives from it.
class RetentionSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the settings")
    Q_DISABLE_COPY_MOVE(RetentionSettings)
    Q_PROPERTY(int keepImages READ keepImages WRITE setKeepImages NOTIFY changed)
    Q_PROPERTY(int imageDays READ imageDays WRITE setImageDays NOTIFY changed)
    Q_PROPERTY(int gitCacheDays READ gitCacheDays WRITE setGitCacheDays NOTIFY changed)
    Q_PROPERTY(bool busy READ busy NOTIFY cleanupChanged)
    // What the last pass (this one's or the daily one) did, for humans.
    Q_PROPERTY(QString message READ message NOTIFY cleanupChanged)
    // When the daily pass comes next ("in about 23 hours"), empty when it is not scheduled.
    Q_PROPERTY(QString nextPass READ nextPass NOTIFY cleanupChanged)
    Q_PROPERTY(QString error READ error NOTIFY changed)

public:
    // `path` empty: the tray's settings file.
    explicit RetentionSettings(runs::Orchestrator *orchestrator, const QString &path = {},
                               QObject *parent = nullptr);

    int keepImages() const;
    int imageDays() const;
    int gitCacheDays() const;
    void setKeepImages(int count);
    void setImageDays(int days);
    void setGitCacheDays(int days);
    bool busy() const { return m_busy; }
    QString message() const { return m_message; }
    QString nextPass() const;
    QString error() const { return m_error; }

    // One pass now with these settings; cleanupChanged when it is done.
    Q_INVOKABLE void cleanUpNow();
    // Follows the orchestrator's daily pass (started after the engine initialised).
    void watchDailyPass();

    static QString describe(const runs::PruneReport &report);

Q_SIGNALS:
    void changed();
    void cleanupChanged();

private:
    template<typename Change> void change(Change mutate);

    runs::Orchestrator *m_orchestrator;
    QString m_path;
    bool m_busy = false;
    QString m_message;
    QString m_error;
};

} // namespace rr::tray
