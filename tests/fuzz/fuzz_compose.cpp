#include "project/composeloader.h"
#include "project/interpolator.h"

#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

using namespace rr::project;

// Each input becomes compose.yaml in one temporary project folder (created once), is
// loaded in full, and is also fed to the interpolator as a single string.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static QTemporaryDir dir;
    static const bool quiet = [] {
        QLoggingCategory::setFilterRules(QStringLiteral("reporunner.*=false"));
        return true;
    }();
    Q_UNUSED(quiet);
    if (!dir.isValid())
        return 0;

    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QFile file(dir.filePath(QStringLiteral("compose.yaml")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return 0;
    file.write(bytes);
    file.close();

    const QMap<QString, QString> values{{QStringLiteral("TAG"), QStringLiteral("1.0")},
                                        {QStringLiteral("EMPTY"), QString()}};
    ComposeLoadOptions options;
    options.projectDir = dir.path();
    options.values = values;
    options.profiles = {QStringLiteral("debug")};
    options.maxFileBytes = 256 * 1024;
    const auto project = ComposeLoader::load(options);
    if (!project)
        (void)project.error().toString();

    Interpolator interpolator(values);
    (void)interpolator.interpolate(QString::fromUtf8(bytes),
                                   rr::core::Location{QStringLiteral("fuzz"), 1, 1});
    return 0;
}
