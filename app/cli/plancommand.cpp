#include "plancommand.h"

#include "exitcode.h"
#include "plan/kuberenderer.h"
#include "plan/yamlemitter.h"
#include "runs/planbuilder.h"
#include "source/fetcher.h"
#include "source/sourcespecparser.h"
#include "terminal.h"

#include <QCommandLineParser>
#include <QFuture>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace rr::cli {

PlanCommand::PlanCommand(QObject *parent)
    : QObject(parent)
    , m_fetcher(new source::Fetcher(this))
{}

void PlanCommand::fail(int exitCode, const QString &message)
{
    Terminal::error(message);
    Q_EMIT finished(exitCode);
}

void PlanCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Print the Kubernetes manifests and translation report for a "
                       "repository without deploying anything."));
    parser.addPositionalArgument(QStringLiteral("source"),
                                 QStringLiteral("GitHub URL, git remote or local folder"));
    const QCommandLineOption mode(QStringLiteral("mode"), QStringLiteral("compose or dockerfile"),
                                  QStringLiteral("mode"));
    const QCommandLineOption profile(QStringLiteral("profile"), QStringLiteral("enable a compose profile"),
                                     QStringLiteral("name"));
    const QCommandLineOption service(QStringLiteral("service"),
                                     QStringLiteral("run only this service (repeatable)"),
                                     QStringLiteral("name"));
    const QCommandLineOption set(QStringLiteral("set"), QStringLiteral("interpolation value (repeatable)"),
                                 QStringLiteral("VAR=value"));
    const QCommandLineOption dockerfile(QStringLiteral("dockerfile"), QStringLiteral("use this Dockerfile"),
                                        QStringLiteral("path"));
    const QCommandLineOption primary(QStringLiteral("primary"),
                                     QStringLiteral("the service the preview opens"), QStringLiteral("name"));
    const QCommandLineOption unsafe(
        QStringLiteral("allow-unsafe"),
        QStringLiteral("allow privileged options for this run (never host mounts)"));
    const QCommandLineOption offline(QStringLiteral("offline"), QStringLiteral("deny internet egress"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("print one JSON document"));
    parser.addOptions({mode, profile, service, set, dockerfile, primary, unsafe, offline, json});
    parser.addHelpOption();

    if (!parser.parse(arguments))
        return fail(Usage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        Terminal::out(parser.helpText().toUtf8());
        Q_EMIT finished(Ok);
        return;
    }
    if (parser.positionalArguments().size() != 1)
        return fail(Usage, QStringLiteral("plan needs exactly one source: a URL or a folder"));

    m_request.source = parser.positionalArguments().constFirst();
    if (parser.isSet(mode)) {
        const QString m = parser.value(mode).toLower();
        if (m == QLatin1String("compose"))
            m_request.mode = project::ProjectMode::Compose;
        else if (m == QLatin1String("dockerfile"))
            m_request.mode = project::ProjectMode::Dockerfile;
        else
            return fail(Usage, QStringLiteral("--mode must be compose or dockerfile, not \"%1\"").arg(m));
    }
    m_request.profiles = parser.values(profile);
    m_request.services = parser.values(service);
    m_request.dockerfile = parser.value(dockerfile);
    m_request.primaryService = parser.value(primary);
    m_request.allowUnsafe = parser.isSet(unsafe);
    m_request.offline = parser.isSet(offline);
    m_json = parser.isSet(json);
    for (const QString &assignment : parser.values(set)) {
        const qsizetype eq = assignment.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(Usage, QStringLiteral("--set needs VAR=value, got \"%1\"").arg(assignment));
        m_request.values.insert(assignment.left(eq), assignment.mid(eq + 1));
    }

    auto spec = source::SourceSpecParser::parse(m_request.source);
    if (!spec)
        return fail(exitCodeFor(spec.error().category), spec.error().toString());

    connect(m_fetcher, &source::Fetcher::progress, this, [](qint64 bytes, int received, int total) {
        Terminal::progress(QStringLiteral("fetching"), received, total, bytes);
    });
    m_fetcher->fetch(*spec, source::FetchOptions{})
        .then(this, [this](const core::Result<source::Checkout> &checkout) {
            Terminal::clearProgress();
            if (!checkout)
                return fail(exitCodeFor(checkout.error().category), checkout.error().toString());
            auto prepared = runs::PlanBuilder::build(*checkout, m_request);
            if (!prepared)
                return fail(exitCodeFor(prepared.error().category), prepared.error().toString());
            const plan::RunPlan &runPlan = prepared->plan;
            const QList<QJsonObject> manifests = plan::KubeRenderer::render(runPlan);
            if (m_json) {
                QJsonArray objects;
                for (const QJsonObject &o : manifests)
                    objects.append(o);
                QJsonObject doc{{QStringLiteral("namespace"), runPlan.namespaceName},
                                {QStringLiteral("commit"), checkout->commit},
                                {QStringLiteral("mode"), prepared->mode == project::ProjectMode::Compose
                                                             ? QStringLiteral("compose")
                                                             : QStringLiteral("dockerfile")},
                                {QStringLiteral("manifests"), objects},
                                {QStringLiteral("report"), runPlan.report.toJson()}};
                Terminal::out(QJsonDocument(doc).toJson(QJsonDocument::Indented));
            } else {
                Terminal::out(plan::toYamlStream(manifests));
                Terminal::err(runPlan.report.toText().toUtf8());
            }
            if (runPlan.report.hasRefusals()) {
                Terminal::error(
                    QStringLiteral("the sandbox refuses this project as it stands; see the report "
                                   "(use --allow-unsafe for privileged options; host mounts stay "
                                   "refused)"));
                Q_EMIT finished(Refused);
                return;
            }
            Q_EMIT finished(Ok);
        });
}

} // namespace rr::cli
