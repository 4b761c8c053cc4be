#include "infradir.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace rr::cli {

QString InfraDir::clusterConfig(const QString &infraDir)
{
    return infraDir + QStringLiteral("/kind/cluster.yaml");
}

QString InfraDir::find()
{
    const QString bin = QCoreApplication::applicationDirPath();
    const QStringList candidates{
        qEnvironmentVariable("REPORUNNER_INFRA_DIR"),
        // Relocatable installs: <prefix>/bin/reporunner and <prefix>/share/reporunner/infra.
        QDir::cleanPath(bin + QStringLiteral("/../" REPORUNNER_DATADIR "/reporunner/infra")),
        QStringLiteral(REPORUNNER_INSTALLED_INFRA_DIR),
        // Running straight from a build tree.
        QStringLiteral(REPORUNNER_SOURCE_INFRA_DIR),
    };
    for (const QString &dir : candidates)
        if (!dir.isEmpty() && QFileInfo(clusterConfig(dir)).isFile())
            return QDir::cleanPath(dir);
    return {};
}

} // namespace rr::cli
