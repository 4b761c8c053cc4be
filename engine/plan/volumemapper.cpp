#include "plan/volumemapper.h"

#include "core/names.h"
#include "plan/naming.h"
#include "plan/repopaths.h"

#include <QFileInfo>

#include <algorithm>

namespace rr::plan {

using core::names::toDnsLabel;

namespace {

const QString kVolumes = QStringLiteral("volumes");

QString uniqueVolumeName(const ServicePlan &sp, const QString &wanted)
{
    QString name = toDnsLabel(wanted, 50);
    const QString base = name;
    for (int n = 2;; ++n) {
        bool taken = false;
        for (const PlanVolume &v : sp.volumes)
            taken = taken || v.name == name;
        if (!taken)
            return name;
        name = base + QLatin1Char('-') + QString::number(n);
    }
}

void addEmptyDir(ServicePlan &sp, const QString &wanted, const QString &target, bool readOnly,
                 bool memory = false, qint64 sizeLimit = 0)
{
    PlanVolume v;
    v.name = uniqueVolumeName(sp, wanted);
    v.kind = PlanVolume::Kind::EmptyDir;
    v.memory = memory;
    v.sizeLimit = sizeLimit;
    sp.volumes.append(v);
    sp.mounts.append(PlanMount{v.name, target, QString(), readOnly});
}

DataObject *findData(RunPlan &plan, DataObject::Kind kind, const QString &name)
{
    for (DataObject &d : plan.dataObjects)
        if (d.kind == kind && d.name == name)
            return &d;
    return nullptr;
}

QStringList servicesMounting(const project::ComposeProject &project, const QString &volume)
{
    QStringList out;
    for (const project::Service &s : project.services)
        for (const project::VolumeMount &m : s.volumes)
            if (m.type == project::VolumeMount::Type::Volume && !m.anonymous && m.source == volume &&
                !out.contains(s.name))
                out << s.name;
    return out;
}

// The run-wide name of compose volume `source`: a DNS-1123 label no other named volume has.
QString runVolumeName(RunPlan &plan, const QString &source)
{
    if (plan.namedVolumes.contains(source))
        return plan.namedVolumes.value(source);
    const QString base = toDnsLabel(QStringLiteral("vol-") + source, 50);
    QString name = base;
    for (int n = 2;
         std::find(plan.namedVolumes.cbegin(), plan.namedVolumes.cend(), name) != plan.namedVolumes.cend();
         ++n)
        name = base + QLatin1Char('-') + QString::number(n);
    plan.namedVolumes.insert(source, name);
    return name;
}

// Mounts named volume `source` at `target`; a service mounting it twice gets one pod volume.
void addNamed(RunPlan &plan, ServicePlan &sp, const QString &source, const QString &target, bool readOnly)
{
    const QString runName = runVolumeName(plan, source);
    for (const PlanVolume &v : sp.volumes) {
        if (v.named == source) {
            sp.mounts.append(PlanMount{v.name, target, QString(), readOnly});
            return;
        }
    }
    PlanVolume v;
    v.name = uniqueVolumeName(sp, QStringLiteral("vol-") + source);
    v.kind = PlanVolume::Kind::EmptyDir;
    v.objectName = runName;
    v.named = source;
    sp.volumes.append(v);
    sp.mounts.append(PlanMount{v.name, target, QString(), readOnly});
}

} // namespace

void VolumeMapper::map(const project::Service &svc, PlanContext &ctx, ServicePlan &sp)
{
    int index = 0;
    for (const project::VolumeMount &m : svc.volumes) {
        const QString where = m.target;
        switch (m.type) {
        case project::VolumeMount::Type::Bind:
            mapBind(svc, m, index, ctx, sp);
            break;
        case project::VolumeMount::Type::Npipe:
            ctx.note(svc, kVolumes, Status::Refused,
                     QStringLiteral("named pipe '%1' is a host mount; host mounts are never allowed")
                         .arg(m.source),
                     m.where);
            break;
        case project::VolumeMount::Type::Volume:
            if (m.anonymous || m.source.isEmpty()) {
                addEmptyDir(sp, QStringLiteral("anon-%1").arg(index), m.target, m.readOnly);
                ctx.note(svc, kVolumes, Status::Mapped,
                         QStringLiteral("%1: anonymous volume -> emptyDir").arg(where), m.where);
            } else {
                addNamed(ctx.plan, sp, m.source, m.target, m.readOnly);
                QStringList others = servicesMounting(ctx.project, m.source);
                others.removeAll(svc.name);
                QString why =
                    QStringLiteral("%1: named volume '%2' -> one volume for the run").arg(where, m.source);
                if (!others.isEmpty())
                    why += QStringLiteral(", shared with ") + others.join(QStringLiteral(", "));
                why += QStringLiteral(" (Docker: a labelled volume; Kubernetes: a PersistentVolumeClaim when "
                                      "the cluster has a default StorageClass, else an emptyDir per pod)");
                Status status = Status::Mapped;
                if (ctx.project.volumes.value(m.source).external) {
                    status = Status::Adapted;
                    why += QStringLiteral("; external volumes are not reachable from the sandbox, so it "
                                          "starts empty");
                }
                ctx.note(svc, kVolumes, status, why, m.where);
            }
            break;
        case project::VolumeMount::Type::Tmpfs:
            addEmptyDir(sp, QStringLiteral("tmpfs-%1").arg(index), m.target, false, true, m.tmpfsSize);
            ctx.note(svc, kVolumes, Status::Mapped,
                     QStringLiteral("%1: tmpfs -> memory-backed emptyDir").arg(where), m.where);
            break;
        case project::VolumeMount::Type::Cluster:
        case project::VolumeMount::Type::Image:
            ctx.note(svc, kVolumes, Status::Dropped,
                     QStringLiteral("%1: this volume type is not supported by the sandbox").arg(where),
                     m.where);
            break;
        }
        ++index;
    }

    int t = 0;
    for (const QString &entry : svc.tmpfs) {
        const QString target = entry.section(QLatin1Char(':'), 0, 0);
        addEmptyDir(sp, QStringLiteral("tmpfs-s%1").arg(t++), target, false, true);
    }
    if (!svc.tmpfs.isEmpty())
        ctx.note(svc, QStringLiteral("tmpfs"), Status::Mapped, QStringLiteral("memory-backed emptyDir"));

    mapGrants(svc, true, ctx, sp);
    mapGrants(svc, false, ctx, sp);
}

void VolumeMapper::mapBind(const project::Service &svc, const project::VolumeMount &m, int index,
                           PlanContext &ctx, ServicePlan &sp)
{
    RepoPaths::Resolved r = RepoPaths::resolve(ctx.project.projectDir, m.source);
    if (r.inside && m.target.contains(QStringLiteral("docker.sock"))) {
        r.inside = false;
        r.why = QStringLiteral("the target is the Docker socket");
    }
    if (!r.inside && r.hostControl) {
        ctx.note(svc, kVolumes, Status::Refused,
                 QStringLiteral("bind mount '%1' -> %2: %3; host mounts are never allowed")
                     .arg(m.source, m.target, r.why),
                 m.where);
        return;
    }
    if (!r.inside) {
        // The host is never mounted; the service still starts, on an empty per-run volume.
        addEmptyDir(sp, QStringLiteral("bind-%1").arg(index), m.target, m.readOnly);
        ctx.note(svc, kVolumes, Status::Adapted,
                 QStringLiteral("%1: '%2' was not mounted (%3); an empty per-run volume takes its place")
                     .arg(m.target, m.source, r.why),
                 m.where);
        return;
    }
    if (!r.exists) {
        addEmptyDir(sp, QStringLiteral("bind-%1").arg(index), m.target, m.readOnly);
        ctx.note(
            svc, kVolumes, Status::Adapted,
            QStringLiteral("%1: '%2' does not exist in the repository; an empty directory is mounted, as "
                           "Docker would create")
                .arg(m.target, m.source),
            m.where);
        return;
    }
    const RepoPaths::Files files = RepoPaths::read(ctx.project.projectDir, r, MaxConfigMapBytes);
    if (files.tooLarge) {
        sp.baked.append(PlanBakedPath{r.absolute, m.target, r.isDir});
        ctx.note(svc, kVolumes, Status::Adapted,
                 QStringLiteral("%1: '%2' holds more than %3 KiB, too much for a ConfigMap; it is copied "
                                "into the service's image at that path instead (a snapshot, added to what "
                                "the image has there; writes stay in the container)")
                     .arg(m.target, m.source)
                     .arg(MaxConfigMapBytes / 1024),
                 m.where);
        return;
    }
    if (files.byRelativePath.isEmpty()) {
        addEmptyDir(sp, QStringLiteral("bind-%1").arg(index), m.target, m.readOnly);
        ctx.note(svc, kVolumes, Status::Adapted,
                 QStringLiteral("%1: '%2' is empty; an empty directory is mounted").arg(m.target, m.source),
                 m.where);
        return;
    }

    DataObject data;
    data.kind = DataObject::Kind::ConfigMap;
    data.service = svc.name;
    data.name = sp.dnsName + QStringLiteral("-bind-") + QString::number(index);
    PlanVolume v;
    v.name = uniqueVolumeName(sp, QStringLiteral("bind-%1").arg(index));
    v.kind = PlanVolume::Kind::ConfigMap;
    v.objectName = data.name;
    QStringList keys;
    PlanMount mount{v.name, m.target, QString(), true};
    if (!r.isDir) {
        const QString key = Naming::dataKey(QFileInfo(r.absolute).fileName(), keys);
        data.data.insert(key, files.byRelativePath.value(QString()));
        mount.subPath = key;
    } else {
        for (auto it = files.byRelativePath.cbegin(); it != files.byRelativePath.cend(); ++it) {
            const QString key = Naming::dataKey(it.key(), keys);
            data.data.insert(key, it.value());
            v.items.append(KeyToPath{key, it.key(), -1});
        }
    }
    ctx.plan.dataObjects.append(data);
    sp.volumes.append(v);
    sp.mounts.append(mount);
    QString why =
        QStringLiteral("%1: repository %2 '%3' copied into ConfigMap %4 (a snapshot, mounted read-only)")
            .arg(m.target, r.isDir ? QStringLiteral("folder") : QStringLiteral("file"), m.source, data.name);
    if (files.skippedOutside > 0)
        why += QStringLiteral("; %1 symlink(s) pointing outside the repository left out")
                   .arg(files.skippedOutside);
    ctx.note(svc, kVolumes, Status::Adapted, why, m.where);
}

void VolumeMapper::mapGrants(const project::Service &svc, bool secrets, PlanContext &ctx, ServicePlan &sp)
{
    const QString key = secrets ? QStringLiteral("secrets") : QStringLiteral("configs");
    const QList<project::FileGrant> &grants = secrets ? svc.secrets : svc.configs;
    const QMap<QString, project::FileSource> &sources = secrets ? ctx.project.secrets : ctx.project.configs;
    const DataObject::Kind kind = secrets ? DataObject::Kind::Secret : DataObject::Kind::ConfigMap;
    int index = 0;
    for (const project::FileGrant &g : grants) {
        const int i = index++;
        const QString what = (secrets ? QStringLiteral("secret '") : QStringLiteral("config '")) + g.source +
                             QLatin1Char('\'');
        if (!sources.contains(g.source)) {
            ctx.note(svc, key, Status::Dropped, what + QStringLiteral(" is not defined at the top level"),
                     g.where);
            continue;
        }
        const project::FileSource &fs = sources.value(g.source);
        if (fs.external) {
            ctx.note(svc, key, Status::Dropped,
                     what + QStringLiteral(" is external and does not exist in the sandbox"), g.where);
            continue;
        }
        QByteArray content;
        QString origin;
        Status status = Status::Mapped;
        if (!fs.file.isEmpty()) {
            const RepoPaths::Resolved r = RepoPaths::resolve(ctx.project.projectDir, fs.file);
            if (!r.inside) {
                ctx.note(
                    svc, key, Status::Refused,
                    what +
                        QStringLiteral(" reads '%1': %2; host files are never allowed").arg(fs.file, r.why),
                    g.where);
                continue;
            }
            const RepoPaths::Files files = RepoPaths::read(ctx.project.projectDir, r, MaxConfigMapBytes);
            if (!r.exists || r.isDir || files.byRelativePath.isEmpty()) {
                ctx.note(svc, key, Status::Dropped,
                         what + (files.tooLarge
                                     ? QStringLiteral(": '%1' is larger than 512 KiB")
                                     : QStringLiteral(": '%1' is not a readable file in the repository"))
                                    .arg(fs.file),
                         g.where);
                continue;
            }
            content = files.byRelativePath.value(QString());
            origin = QStringLiteral("repository file '%1'").arg(fs.file);
        } else if (!fs.environment.isEmpty()) {
            if (!ctx.options.variables.contains(fs.environment))
                status = Status::Adapted;
            content = ctx.options.variables.value(fs.environment).toUtf8();
            origin = status == Status::Mapped
                         ? QStringLiteral("run value %1").arg(fs.environment)
                         : QStringLiteral("run value %1, which is not set: empty").arg(fs.environment);
        } else {
            content = fs.content.toUtf8();
            origin = QStringLiteral("inline content");
        }

        const QString objectName =
            toDnsLabel((secrets ? QStringLiteral("rr-secret-") : QStringLiteral("rr-config-")) + g.source);
        const QString dataKey = QStringLiteral("content");
        if (!findData(ctx.plan, kind, objectName))
            ctx.plan.dataObjects.append(DataObject{kind, objectName, QString(), {{dataKey, content}}});

        QString target = g.target;
        if (target.isEmpty())
            target = (secrets ? QStringLiteral("/run/secrets/") : QStringLiteral("/")) + g.source;
        else if (!target.startsWith(QLatin1Char('/')))
            target = (secrets ? QStringLiteral("/run/secrets/") : QStringLiteral("/")) + target;

        PlanVolume v;
        v.name = uniqueVolumeName(sp, (secrets ? QStringLiteral("secret-") : QStringLiteral("config-")) +
                                          QString::number(i));
        v.kind = secrets ? PlanVolume::Kind::Secret : PlanVolume::Kind::ConfigMap;
        v.objectName = objectName;
        v.items.append(KeyToPath{dataKey, dataKey, g.mode >= 0 && g.mode <= 0777 ? g.mode : -1});
        sp.volumes.append(v);
        sp.mounts.append(PlanMount{v.name, target, dataKey, true});

        QString why =
            what + QStringLiteral(" from %1 -> %2 at %3")
                       .arg(origin, secrets ? QStringLiteral("Secret") : QStringLiteral("ConfigMap"), target);
        if (!g.uid.isEmpty() || !g.gid.isEmpty()) {
            status = Status::Adapted;
            why += QStringLiteral("; uid/gid are not applied (Kubernetes mounts it readable by the pod)");
        }
        ctx.note(svc, key, status, why, g.where);
    }
}

} // namespace rr::plan
