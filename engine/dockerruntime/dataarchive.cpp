#include "dockerruntime/dataarchive.h"

#include <QDateTime>
#include <QDir>

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace rr::dockerruntime {

namespace {

using core::ErrorCategory;

const plan::DataObject *findData(const plan::RunPlan &plan, const plan::PlanVolume &volume)
{
    const auto kind = volume.kind == plan::PlanVolume::Kind::Secret ? plan::DataObject::Kind::Secret
                                                                    : plan::DataObject::Kind::ConfigMap;
    for (const plan::DataObject &d : plan.dataObjects)
        if (d.kind == kind && d.name == volume.objectName)
            return &d;
    return nullptr;
}

// Kubernetes' defaultMode for ConfigMaps and Secrets alike, so a non-root user reads them on both runtimes.
constexpr int DefaultMode = 0644;

la_ssize_t appendTo(struct archive *, void *client, const void *buffer, size_t length)
{
    static_cast<QByteArray *>(client)->append(static_cast<const char *>(buffer),
                                              static_cast<qsizetype>(length));
    return static_cast<la_ssize_t>(length);
}

} // namespace

core::Result<QList<DataArchive::Entry>> DataArchive::volumeFiles(const plan::RunPlan &plan,
                                                                 const plan::PlanVolume &volume)
{
    const plan::DataObject *data = findData(plan, volume);
    if (!data)
        return core::fail(ErrorCategory::Internal, QStringLiteral("docker.data_missing"),
                          QStringLiteral("volume %1 refers to %2, which the plan does not hold")
                              .arg(volume.name, volume.objectName));
    QList<Entry> out;
    if (volume.items.isEmpty()) {
        for (auto it = data->data.cbegin(); it != data->data.cend(); ++it)
            out.append({it.key(), it.value(), DefaultMode});
        return out;
    }
    for (const plan::KeyToPath &item : volume.items)
        out.append({QDir::cleanPath(item.path.isEmpty() ? item.key : item.path), data->data.value(item.key),
                    item.mode >= 0 ? item.mode : DefaultMode});
    return out;
}

core::Result<QList<DataArchive::Entry>> DataArchive::subPathFiles(const plan::RunPlan &plan,
                                                                  const plan::PlanVolume &volume,
                                                                  const plan::PlanMount &mount)
{
    auto files = volumeFiles(plan, volume);
    if (!files)
        return core::fail(files.error());
    QString target = QDir::cleanPath(mount.mountPath);
    while (target.startsWith(QLatin1Char('/')))
        target.remove(0, 1);
    for (const Entry &e : std::as_const(*files))
        if (e.path == QDir::cleanPath(mount.subPath))
            return QList<Entry>{{target, e.data, e.mode}};
    return core::fail(ErrorCategory::Internal, QStringLiteral("docker.data_missing"),
                      QStringLiteral("%1 holds no file %2").arg(volume.objectName, mount.subPath));
}

core::Result<QByteArray> DataArchive::tar(const QList<Entry> &entries)
{
    QByteArray out;
    std::unique_ptr<struct archive, decltype(&archive_write_free)> a(archive_write_new(),
                                                                     &archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    if (archive_write_open(a.get(), &out, nullptr, &appendTo, nullptr) != ARCHIVE_OK)
        return core::fail(
            ErrorCategory::Io, QStringLiteral("docker.tar"),
            QStringLiteral("Could not pack files: %1").arg(QString::fromUtf8(archive_error_string(a.get()))));
    const time_t now = QDateTime::currentSecsSinceEpoch();
    for (const Entry &e : entries) {
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                            &archive_entry_free);
        const QByteArray path = e.path.toUtf8();
        archive_entry_set_pathname(entry.get(), path.constData());
        archive_entry_set_size(entry.get(), e.data.size());
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), static_cast<mode_t>(e.mode));
        archive_entry_set_mtime(entry.get(), now, 0);
        if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK ||
            archive_write_data(a.get(), e.data.constData(), static_cast<size_t>(e.data.size())) < 0)
            return core::fail(ErrorCategory::Io, QStringLiteral("docker.tar"),
                              QStringLiteral("Could not pack %1: %2")
                                  .arg(e.path, QString::fromUtf8(archive_error_string(a.get()))));
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK)
        return core::fail(ErrorCategory::Io, QStringLiteral("docker.tar"),
                          QStringLiteral("Could not pack files"));
    return out;
}

} // namespace rr::dockerruntime
