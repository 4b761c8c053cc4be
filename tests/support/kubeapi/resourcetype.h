#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace rr::test::kubeapi {

// One served REST resource (collection) and the python-kubernetes model that describes it.
struct ResourceType
{
    QString group; // empty for the core group
    QString version;
    QString plural;
    QString singular;
    QString kind;
    bool namespaced = true;
    QString model;
    QStringList shortNames;
    bool hasGeneration = false;

    QString apiVersion() const { return group.isEmpty() ? version : group + QLatin1Char('/') + version; }
    // "deployments.apps" / "configmaps", as used in Status messages.
    QString groupResource() const { return group.isEmpty() ? plural : plural + QLatin1Char('.') + group; }
    // "Deployment.apps" / "Service", as used in Invalid messages.
    QString groupKind() const { return group.isEmpty() ? kind : kind + QLatin1Char('.') + group; }
    QString listKind() const { return kind + QStringLiteral("List"); }

    static const QList<ResourceType> &all();
    static const ResourceType *find(const QString &group, const QString &version, const QString &plural);
    static const ResourceType *byKind(const QString &kind);
};

} // namespace rr::test::kubeapi
