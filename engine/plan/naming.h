#pragma once

#include "plan/runplan.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace rr::plan {

// Internal: every name the planner derives (namespace, DNS names, image tags, object keys).
class Naming final
{
public:
    // rr-<owner>-<repo>-<runId> as a DNS-1123 label of at most 63 chars; the run id survives cuts.
    static QString namespaceName(const QString &owner, const QString &repo, const QString &runId);
    // Compose name -> unique DNS-1035 label, in the given order.
    static QMap<QString, QString> dnsNames(const QStringList &serviceNames);
    static QString imageRepository(const QString &owner, const QString &repo, const QString &service);
    static QString contextHash(const PlanBuild &build);
    static QString imageTag(const QString &commit, const QString &contextHash);
    // A ConfigMap/Secret key for a relative path: [-._a-zA-Z0-9]+, unique within `taken`.
    static QString dataKey(const QString &relativePath, QStringList &taken);
    // An IANA service name for a port ("tcp-8080").
    static QString portName(int port, const QString &protocol);
    static bool isIanaServiceName(const QString &name);
};

} // namespace rr::plan
