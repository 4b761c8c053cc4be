#pragma once

#include "plan/runplan.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

namespace rr::kube {

// Where LOADING put each image of a run: the reference the plan names -> the one pods must use.
// Empty (identity) for images imported into the nodes under their own names; a registry
// reference after a KEP-1755 push.
class ImageMap final
{
public:
    void insert(const QString &original, const QString &delivered);
    // The reference pods use for `original` (itself when LOADING did not move it).
    QString deliveredFor(const QString &original) const;
    bool isEmpty() const;

    // `plan` with every moved image replaced by its delivered reference.
    plan::RunPlan apply(plan::RunPlan plan) const;
    // A container running `image` (already delivered) gets IfNotPresent when LOADING moved it
    // there: its tag names one content, so the node's copy is never stale. Other containers
    // keep `fallback` (empty: as rendered).
    QString pullPolicyFor(const QString &image, const QString &fallback) const;

    // Kept in the deployment details, so a re-attached run renders the same references.
    QJsonObject toJson() const;
    static ImageMap fromJson(const QJsonObject &json);

    bool operator==(const ImageMap &) const = default;

private:
    QHash<QString, QString> m_moved; // only entries whose reference changed
};

} // namespace rr::kube
