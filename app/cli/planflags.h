#pragma once

#include "core/result.h"
#include "runs/planrequest.h"

#include <QCommandLineOption>

class QCommandLineParser;

namespace rr::cli {

// The options `plan` and `run` share: the source and how to turn it into a plan.
class PlanFlags final
{
public:
    // Adds the source argument and the plan options to `parser`.
    explicit PlanFlags(QCommandLineParser &parser);
    // After parsing: the request, or a usage message naming the bad flag.
    core::Result<runs::PlanRequest> read(const QCommandLineParser &parser) const;

private:
    QCommandLineOption m_mode;
    QCommandLineOption m_profile;
    QCommandLineOption m_service;
    QCommandLineOption m_set;
    QCommandLineOption m_dockerfile;
    QCommandLineOption m_file;
    QCommandLineOption m_primary;
    QCommandLineOption m_unsafe;
    QCommandLineOption m_offline;
    QCommandLineOption m_fastProbes;
};

} // namespace rr::cli
