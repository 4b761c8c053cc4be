#pragma once

#include "core/linebuffer.h"

#include "core/result.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QStringList>

#include <memory>

class QProcess;

namespace rr::kind {

// Creates a kind cluster with the kind CLI, the one supported way to make one: runs
// `kind create cluster --name N --config F --wait 5m` as a child process and reports its
// progress line by line. Only ever started after the user consented (README, "CLI").
class ClusterCreator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterCreator)

public:
    explicit ClusterCreator(QObject *parent = nullptr);
    ~ClusterCreator() override; // kills a creation still running

    // The kind binary on PATH; empty when kind is not installed.
    static QString kindExecutable();
    static QStringList createArguments(const QString &name, const QString &configFile);

    // Resolves once kind exits: errors say why (kind missing, config missing, kind's own
    // ERROR line with the output's tail as details). One creation at a time.
    QFuture<core::Result<void>> create(const QString &name, const QString &configFile);
    // Stops kind; the future fails as Cancelled.
    void cancel();

Q_SIGNALS:
    void progressLine(const QString &line);

private:
    void onOutput();
    void finish(core::Result<void> result);

    QProcess *m_process = nullptr;
    std::shared_ptr<QPromise<core::Result<void>>> m_promise;
    QString m_name;
    core::LineBuffer m_lines;
    QStringList m_tail; // last lines, for the error's details
    bool m_cancelled = false;
};

} // namespace rr::kind
