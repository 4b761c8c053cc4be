#pragma once

#include "runs/runstate.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace rr::runs {

// How long one phase took; finishedAt is invalid while it runs.
struct PhaseRecord
{
    RunState phase = RunState::Queued;
    QDateTime startedAt;
    QDateTime finishedAt;
    double progress = 0; // 0..1, when the phase knows
};

// Why a run failed, in plain words, with the evidence.
struct Diagnosis
{
    QString phase;   // the state it failed in
    QString code;    // stable error code
    QString summary; // one sentence for humans
    QString service; // when one service is to blame
    QStringList lastLines;
};

// What the store keeps about a run.
struct RunRecord
{
    QString id;
    QString source; // as the user gave it
    QString owner, repo, ref, commit;
    QString mode;    // "compose" | "dockerfile"
    QString runtime; // "kubernetes" | "docker"
    QString idempotencyKey;
    QString dedupeKey; // repo+commit+mode+services: identical active runs share it
    RunState state = RunState::Queued;
    std::optional<Diagnosis> diagnosis;
    QJsonObject request; // the PlanRequest as JSON
    QJsonObject details; // runtime facts: namespace, previews, services
    QDateTime createdAt;
    QDateTime updatedAt;
    QList<PhaseRecord> phases;
};

// One stored log line. `id` orders lines within a run; 0 until stored.
struct LogLine
{
    qint64 id = 0;
    QString runId;
    QString service; // "" for the run's own (build, events) log
    QDateTime time;
    QString stream; // "stdout" | "stderr" | "build" | "event"
    QString text;
};

} // namespace rr::runs
