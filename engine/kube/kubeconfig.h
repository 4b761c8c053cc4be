#pragma once

#include "core/result.h"
#include "kube/kubecontext.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

namespace rr::kube {

// kubeconfig files merged like kubectl: KUBECONFIG's files in order, the first definition of a
// cluster, user or context (and the first current-context) wins.
class Kubeconfig final
{
public:
    // KUBECONFIG split on ':' (empty entries dropped), else ~/.kube/config.
    static QStringList defaultFiles();
    // Missing files are skipped as kubectl does; unreadable YAML is an error.
    static core::Result<Kubeconfig> load(const QStringList &files);

    QString currentContext() const { return m_currentContext; }
    QStringList contextNames() const { return m_contexts.keys(); }
    // Resolves a context (empty = current): reads certificate and token files (relative to the
    // file that defined the entry); a *-data field wins over its path.
    core::Result<KubeContext> resolve(const QString &contextName = {}) const;

    // True when the server is on this machine (127.0.0.1, localhost, ::1). Informational only:
    // it never makes a context eligible (see ContextPolicy).
    static bool isLocalServer(const QString &server);
    // Refuses a context that is neither kind-reporunner nor in `allowedContexts`.
    static core::Result<void> checkAllowed(const KubeContext &context, const QStringList &allowedContexts);

private:
    struct Entry
    {
        QJsonObject body;
        QString dir; // folder of the kubeconfig that defined it
    };
    core::Result<void> merge(const QString &file);

    QMap<QString, Entry> m_clusters, m_users, m_contexts;
    QString m_currentContext;
};

} // namespace rr::kube
