#include "plancommand.h"

#include "common/storedtokens.h"
#include "control/remotedetector.h"
#include "control/remoteplanner.h"
#include "exitcode.h"
#include "kuberender/kuberenderer.h"
#include "kuberender/yamlemitter.h"
#include "planflags.h"
#include "runs/planbuilder.h"
#include "source/fetcher.h"
#include "source/sourcespecparser.h"
#include "source/tokenstore.h"
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
    , m_remote(new control::RemoteDetector(m_fetcher, this))
    , m_planner(new control::RemotePlanner(m_remote, m_fetcher, this))
{
    auto *tokens = new source::TokenStore(this);
    app::offerStoredTokens(m_fetcher, tokens);
    app::offerStoredTokens(m_remote, tokens);
}

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
    const PlanFlags flags(parser);
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("print one JSON document"));
    parser.addOption(json);
    parser.addHelpOption();

    if (!parser.parse(arguments))
        return fail(Usage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        Terminal::out(parser.helpText().toUtf8());
        Q_EMIT finished(Ok);
        return;
    }
    auto request = flags.read(parser);
    if (!request)
        return fail(Usage, QStringLiteral("plan ") + request.error().message);
    m_request = *request;
    m_json = parser.isSet(json);

    auto spec = source::SourceSpecParser::parse(m_request.source);
    if (!spec)
        return fail(exitCodeFor(spec.error().category), spec.error().toString());

    connect(m_fetcher, &source::Fetcher::progress, this, [](qint64 bytes, int received, int total) {
        Terminal::progress(QStringLiteral("fetching"), received, total, bytes);
    });
    if (!spec->isLocal()) {
        // A GitHub repository is planned from its file list and the files the planner reads.
        m_planner->plan(*spec, m_request)
            .then(this, [this](const core::Result<control::RemotePlan> &planned) {
                Terminal::clearProgress();
                if (!planned)
                    return fail(exitCodeFor(planned.error().category), planned.error().toString());
                print(planned->prepared, planned->via, planned->fallback);
            });
        return;
    }
    m_fetcher->fetch(*spec, source::FetchOptions{})
        .then(this, [this](const core::Result<source::Checkout> &checkout) {
            Terminal::clearProgress();
            if (!checkout)
                return fail(exitCodeFor(checkout.error().category), checkout.error().toString());
            auto prepared = runs::PlanBuilder::build(*checkout, m_request);
            if (!prepared)
                return fail(exitCodeFor(prepared.error().category), prepared.error().toString());
            print(*prepared, QStringLiteral("local"), QString());
        });
}

void PlanCommand::print(const runs::PreparedPlan &prepared, const QString &via, const QString &fallback)
{
    const plan::RunPlan &runPlan = prepared.plan;
    const QList<QJsonObject> manifests = kuberender::KubeRenderer::render(runPlan);
    if (m_json) {
        QJsonArray objects;
        for (const QJsonObject &o : manifests)
            objects.append(o);
        QJsonObject doc{{QStringLiteral("namespace"), runPlan.namespaceName},
                        {QStringLiteral("commit"), prepared.checkout.commit},
                        {QStringLiteral("via"), via},
                        {QStringLiteral("mode"), prepared.mode == project::ProjectMode::Compose
                                                     ? QStringLiteral("compose")
                                                     : QStringLiteral("dockerfile")},
                        {QStringLiteral("manifests"), objects},
                        {QStringLiteral("report"), runPlan.report.toJson()}};
        if (!fallback.isEmpty())
            doc.insert(QStringLiteral("fallback"), fallback);
        Terminal::out(QJsonDocument(doc).toJson(QJsonDocument::Indented));
    } else {
        if (!fallback.isEmpty())
            Terminal::err(
                QStringLiteral("planned from a bounded fetch (no submodules): %1\n").arg(fallback).toUtf8());
        Terminal::out(kuberender::toYamlStream(manifests));
        Terminal::err(runPlan.report.toText().toUtf8());
    }
    if (runPlan.report.hasRefusals()) {
        Terminal::error(QStringLiteral("the sandbox refuses this project as it stands; see the report "
                                       "(use --allow-unsafe for privileged options; host mounts stay "
                                       "refused)"));
        Q_EMIT finished(Refused);
        return;
    }
    Q_EMIT finished(Ok);
}

} // namespace rr::cli
