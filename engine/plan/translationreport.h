#pragma once

#include "core/error.h"

#include <QJsonArray>
#include <QList>
#include <QString>

namespace rr::plan {

// One line of the translation report: what happened to one compose key of one service.
struct ReportEntry
{
    enum class Status
    {
        Mapped,  // carried over as written
        Adapted, // carried over with a change the user should know about
        Dropped, // ignored, with the reason
        Refused, // the sandbox will not run this; the plan must not be deployed
    };
    QString service; // compose name; empty for run-wide notes
    QString key;     // compose key, e.g. "ports", "volumes"
    Status status = Status::Mapped;
    QString reason;
    core::Location where;
};

QString statusName(ReportEntry::Status status);

// The per-run report shown by `reporunner plan`, the GUI and refusal errors.
struct TranslationReport
{
    QList<ReportEntry> entries;

    void add(const QString &service, const QString &key, ReportEntry::Status status,
             const QString &reason = {}, const core::Location &where = {});
    bool hasRefusals() const;
    QList<ReportEntry> refusals() const;
    // Entries for one service (and key, when given).
    QList<ReportEntry> find(const QString &service, const QString &key = {}) const;
    bool covers(const QString &service, const QString &key) const;

    // One line per entry: "service  key  STATUS  reason  (file:line:col)".
    QString toText() const;
    QJsonArray toJson() const;
};

} // namespace rr::plan
