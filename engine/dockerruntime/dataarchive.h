#pragma once

#include "core/result.h"
#include "plan/runplan.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace rr::dockerruntime {

// Files of ConfigMap/Secret volumes as an in-memory tar for `PUT /containers/{id}/archive`:
// the Docker runtime never bind-mounts host paths, so data reaches containers this way.
class DataArchive final
{
public:
    struct Entry
    {
        QString path; // relative, no leading '/'
        QByteArray data;
        int mode = 0644;
    };

    // The files a volume holds: every key of its data object, or just `items` when given.
    // Fails when the data object is missing from the plan.
    static core::Result<QList<Entry>> volumeFiles(const plan::RunPlan &plan, const plan::PlanVolume &volume);
    // The one file a sub-path mount shows at `mountPath`.
    static core::Result<QList<Entry>> subPathFiles(const plan::RunPlan &plan, const plan::PlanVolume &volume,
                                                   const plan::PlanMount &mount);
    static core::Result<QByteArray> tar(const QList<Entry> &entries);
};

} // namespace rr::dockerruntime
