#include "runs/bakedimage.h"

#include "core/names.h"
#include "plan/naming.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace rr::runs {

QString BakedImage::dockerfile(const QString &image, const plan::PlanBakedPath &path)
{
    // JSON form, so a target with spaces or quotes stays one argument; a folder's content goes
    // into the target folder, a file becomes the target file.
    const QString from = path.isDir ? QStringLiteral(".") : QFileInfo(path.source).fileName();
    QString target = path.target;
    if (path.isDir && !target.endsWith(QLatin1Char('/')))
        target += QLatin1Char('/');
    const QByteArray copy = QJsonDocument(QJsonArray{from, target}).toJson(QJsonDocument::Compact);
    return QStringLiteral("FROM %1\nCOPY %2\n").arg(image, QString::fromUtf8(copy));
}

docker::BuildRequest BakedImage::request(const plan::ServicePlan &service, const plan::PlanBakedPath &path,
                                         const QString &image, const QString &owner, const QString &repo)
{
    docker::BuildRequest r;
    r.contextDir = path.isDir ? path.source : QFileInfo(path.source).absolutePath();
    r.dockerfileInline = dockerfile(image, path);
    // Tagged by content: the same files over the same image reuse the last bake.
    r.repository = plan::Naming::imageRepository(owner, repo, service.name + QStringLiteral("-files"));
    r.repoLabel = core::names::toDnsLabel(owner + QLatin1Char('-') + repo);
    return r;
}

} // namespace rr::runs
