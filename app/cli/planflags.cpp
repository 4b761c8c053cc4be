#include "planflags.h"

#include <QCommandLineParser>

namespace rr::cli {

namespace {

core::Unexpected usage(const QString &message)
{
    return core::fail(core::ErrorCategory::Input, QStringLiteral("cli.usage"), message);
}

} // namespace

PlanFlags::PlanFlags(QCommandLineParser &parser)
    : m_mode(QStringLiteral("mode"), QStringLiteral("compose or dockerfile"), QStringLiteral("mode"))
    , m_profile(QStringLiteral("profile"), QStringLiteral("enable a compose profile"), QStringLiteral("name"))
    , m_service(QStringLiteral("service"), QStringLiteral("run only this service (repeatable)"),
                QStringLiteral("name"))
    , m_set(QStringLiteral("set"), QStringLiteral("interpolation value (repeatable)"),
            QStringLiteral("VAR=value"))
    , m_dockerfile(QStringLiteral("dockerfile"), QStringLiteral("use this Dockerfile"),
                   QStringLiteral("path"))
    , m_file(QStringList{QStringLiteral("f"), QStringLiteral("file")},
             QStringLiteral("use this compose file instead of the detected ones (repeatable, in order)"),
             QStringLiteral("path"))
    , m_primary(QStringLiteral("primary"), QStringLiteral("the service the preview opens"),
                QStringLiteral("name"))
    , m_unsafe(QStringLiteral("allow-unsafe"),
               QStringLiteral("allow privileged options for this run (never host mounts)"))
    , m_offline(QStringLiteral("offline"), QStringLiteral("deny internet egress"))
    , m_fastProbes(
          QStringLiteral("fast-probes"),
          QStringLiteral("run health checks every 250 ms from the start instead of at the "
                         "cadence the compose file declares (READY sooner, more load on the services)"))
{
    parser.addPositionalArgument(QStringLiteral("source"),
                                 QStringLiteral("GitHub URL, git remote or local folder"));
    parser.addOptions({m_mode, m_profile, m_service, m_set, m_dockerfile, m_file, m_primary, m_unsafe,
                       m_offline, m_fastProbes});
}

core::Result<runs::PlanRequest> PlanFlags::read(const QCommandLineParser &parser) const
{
    if (parser.positionalArguments().size() != 1)
        return usage(QStringLiteral("needs exactly one source: a URL or a folder"));
    runs::PlanRequest request;
    request.source = parser.positionalArguments().constFirst();
    if (parser.isSet(m_mode)) {
        const QString m = parser.value(m_mode).toLower();
        if (m == QLatin1String("compose"))
            request.mode = project::ProjectMode::Compose;
        else if (m == QLatin1String("dockerfile"))
            request.mode = project::ProjectMode::Dockerfile;
        else
            return usage(QStringLiteral("--mode must be compose or dockerfile, not \"%1\"").arg(m));
    }
    request.profiles = parser.values(m_profile);
    request.services = parser.values(m_service);
    request.dockerfile = parser.value(m_dockerfile);
    request.composeFiles = parser.values(m_file);
    request.primaryService = parser.value(m_primary);
    request.allowUnsafe = parser.isSet(m_unsafe);
    request.offline = parser.isSet(m_offline);
    request.fastProbes = parser.isSet(m_fastProbes);
    for (const QString &assignment : parser.values(m_set)) {
        const qsizetype eq = assignment.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return usage(QStringLiteral("--set needs VAR=value, got \"%1\"").arg(assignment));
        request.values.insert(assignment.left(eq), assignment.mid(eq + 1));
    }
    return request;
}

} // namespace rr::cli
