#pragma once

#include "enginecommand.h"

#include <QJsonObject>
#include <QStringList>

namespace rr::cli {

// `reporunner rm RUN|--all-stopped` (a finished run's history and logs) and `reporunner prune`
// (images, build cache and clone cache beyond the retention), both done by the engine through
// the control API so its own runs and labels decide what is ours.
class CleanupCommand final : public EngineCommand
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CleanupCommand)
public:
    explicit CleanupCommand(QObject *parent = nullptr);
    void start(const QStringList &arguments);

    // The human form of a prune report, as printed.
    static QString pruneText(const QJsonObject &report);

private:
    void call(const QString &method, const QJsonObject &params);

    QString m_command;
    bool m_json = false;
};

} // namespace rr::cli
