// RunDeployer, part two: deciding from the watched state (readiness, failures, statuses,
// logs, events) and finishing with port-forwards.
#include "kube/rundeployer.h"

#include "core/logging.h"
#include "kube/kubeclient.h"
#include "kube/kubewatch.h"
#include "kube/logfollower.h"
#include "kube/poddiagnosis.h"
#include "kube/portforwarder.h"
#include "kube/rolloutstatus.h"

#include <QJsonArray>

namespace rr::kube {

using core::ErrorCategory;
using Condition = project::Dependency::Condition;

namespace {

QJsonObject meta(const QJsonObject &o)
{
    return o.value(QStringLiteral("metadata")).toObject();
}

QJsonObject status(const QJsonObject &o)
{
    return o.value(QStringLiteral("status")).toObject();
}

QString phaseOf(const QJsonObject &pod)
{
    return status(pod).value(QStringLiteral("phase")).toString();
}

} // namespace

QList<QJsonObject> RunDeployer::podsOf(const plan::ServicePlan &service) const
{
    QList<QJsonObject> out;
    if (!m_pods)
        return out;
    const QMap<QString, QJsonObject> pods = m_pods->objects();
    for (const QJsonObject &pod : pods)
        if (meta(pod)
                .value(QStringLiteral("labels"))
                .toObject()
                .value(QStringLiteral("reporunner.dev/service")) == service.dnsName)
            out.append(pod);
    return out;
}

QJsonObject RunDeployer::workloadOf(const plan::ServicePlan &service) const
{
    KubeWatch *w = service.oneShot ? m_jobs : m_deployments;
    return w ? w->objects().value(m_plan.namespaceName + QLatin1Char('/') + service.dnsName) : QJsonObject();
}

RunDeployer::Need RunDeployer::need(const plan::ServicePlan &service) const
{
    Need n = Need::Started;
    for (const plan::ServicePlan &other : m_plan.services)
        for (const plan::PlanDependency &d : other.dependsOn) {
            if (d.service != service.name)
                continue;
            if (d.condition == Condition::CompletedSuccessfully)
                n = Need::Completed;
            else if (d.condition == Condition::Healthy && n == Need::Started)
                n = Need::Healthy;
        }
    return n;
}

bool RunDeployer::satisfied(const plan::ServicePlan &s, Need n) const
{
    const QJsonObject workload = workloadOf(s);
    if (workload.isEmpty())
        return false;
    if (n == Need::Started) {
        for (const QJsonObject &pod : podsOf(s))
            if (phaseOf(pod) == QLatin1String("Running") || phaseOf(pod) == QLatin1String("Succeeded"))
                return true;
        return s.oneShot && RolloutStatus::job(workload).state == RolloutStatus::State::Done;
    }
    if (s.oneShot) // a one-shot is healthy once it has completed
        return RolloutStatus::job(workload).state == RolloutStatus::State::Done;
    return RolloutStatus::deployment(workload).state == RolloutStatus::State::Done;
}

QString RunDeployer::waitingFor() const
{
    QStringList waiting;
    for (const plan::ServicePlan &s : m_plan.services) {
        const QJsonObject w = workloadOf(s);
        if (w.isEmpty())
            waiting << QStringLiteral("%1 (not created)").arg(s.name);
        else if (!s.oneShot && RolloutStatus::deployment(w).state != RolloutStatus::State::Done)
            waiting << QStringLiteral("%1 (%2)").arg(s.name, RolloutStatus::deployment(w).message);
    }
    return waiting.isEmpty() ? QStringLiteral("the preview port") : waiting.join(QStringLiteral(", "));
}

void RunDeployer::evaluate()
{
    if (m_finished)
        return;
    checkFailures();
    if (m_finished)
        return;
    updateStatuses();
    if (m_applying || m_wave < 0 || m_forwarding)
        return;
    if (m_wave < m_waves.size()) {
        for (const QString &name : m_waves.at(m_wave)) {
            const plan::ServicePlan *s = m_plan.service(name);
            bool hasDependents = false;
            for (const plan::ServicePlan &other : m_plan.services)
                for (const plan::PlanDependency &d : other.dependsOn)
                    hasDependents = hasDependents || d.service == name;
            if (s && hasDependents && !satisfied(*s, need(*s)))
                return;
        }
        applyWave();
        return;
    }
    for (const plan::ServicePlan &s : m_plan.services) {
        const Need n = s.oneShot ? need(s) : Need::Healthy;
        if (!satisfied(s, n))
            return;
    }
    if (!m_settled) {
        if (!m_settling) {
            m_settling = true;
            QTimer::singleShot(m_options.settleMilliseconds, this, [this] {
                m_settled = true;
                evaluate();
            });
        }
        return;
    }
    startForwards();
}

void RunDeployer::checkFailures()
{
    if (!m_pods)
        return;
    const QMap<QString, QJsonObject> pods = m_pods->objects();
    for (const QJsonObject &pod : pods) {
        const std::optional<PodProblem> problem = PodDiagnosis::find(pod);
        if (!problem)
            continue;
        const QString dns = meta(pod)
                                .value(QStringLiteral("labels"))
                                .toObject()
                                .value(QStringLiteral("reporunner.dev/service"))
                                .toString();
        const plan::ServicePlan *s = m_plan.service(dns);
        reportProblem(s ? s->name : dns, *problem);
        if (m_finished)
            return;
    }
    for (const plan::ServicePlan &s : m_plan.services) {
        const QJsonObject w = workloadOf(s);
        if (w.isEmpty())
            continue;
        std::optional<core::Error> e;
        if (!s.oneShot)
            e = PodDiagnosis::deploymentFailure(w, s.name, m_failedCreate.value(s.name));
        else if (RolloutStatus::job(w).state == RolloutStatus::State::Failed && podsOf(s).isEmpty())
            e = core::makeError(
                ErrorCategory::Kube, QStringLiteral("kube.job.failed"),
                QStringLiteral("One-shot service %1 failed: %2").arg(s.name, RolloutStatus::job(w).message));
        if (!e || m_reported.contains(e->code + s.name))
            continue;
        m_reported.insert(e->code + s.name);
        if (m_ready)
            Q_EMIT broken(*e);
        else
            fail(*e);
        return;
    }
}

void RunDeployer::reportProblem(const QString &service, const PodProblem &problem)
{
    const QString key = problem.pod + QLatin1Char('/') + problem.reason + QLatin1Char('/') +
                        QString::number(problem.restarts);
    if (m_reported.contains(key))
        return;
    m_reported.insert(key);
    const auto report = [this, service, problem](const QStringList &lines) {
        const core::Error e = PodDiagnosis::describe(problem, service, lines);
        if (m_ready)
            Q_EMIT broken(e);
        else
            fail(e);
    };
    if (!problem.wantsLogs()) {
        report({});
        return;
    }
    // The crashed instance's last lines explain most crashes. While a container waits in
    // CrashLoopBackOff, servers differ on whether that instance is "previous" or still the
    // current one, so ask for previous first and fall back to the current log.
    const QString path = QStringLiteral("/api/v1/namespaces/%1/pods/%2/log?container=%3&tailLines=20")
                             .arg(m_plan.namespaceName, problem.pod, problem.container);
    const auto linesOf = [](const core::Result<KubeReply> &r) {
        return r ? QString::fromUtf8(r->body).split(QLatin1Char('\n'), Qt::SkipEmptyParts) : QStringList();
    };
    const auto current = [this, path, report, linesOf] {
        m_client->send("GET", path, {}, {}, this,
                       [report, linesOf](const core::Result<KubeReply> &r) { report(linesOf(r)); });
    };
    if (problem.reason == QLatin1String("Error")) { // a one-shot: the current instance is the one that failed
        current();
        return;
    }
    m_client->send("GET", path + QStringLiteral("&previous=true"), {}, {}, this,
                   [report, linesOf, current](const core::Result<KubeReply> &r) {
                       const QStringList lines = linesOf(r);
                       if (lines.isEmpty())
                           current();
                       else
                           report(lines);
                   });
}

void RunDeployer::onPodChanged(const QString &type, const QJsonObject &pod)
{
    const QString podName = meta(pod).value(QStringLiteral("name")).toString();
    const QString dns = meta(pod)
                            .value(QStringLiteral("labels"))
                            .toObject()
                            .value(QStringLiteral("reporunner.dev/service"))
                            .toString();
    const plan::ServicePlan *s = m_plan.service(dns);
    const QString service = s ? s->name : dns;
    if (type == QLatin1String("DELETED")) {
        for (auto it = m_followers.begin(); it != m_followers.end();) {
            if (it.value()->pod() == podName) {
                it.value()->deleteLater();
                it = m_followers.erase(it);
            } else {
                ++it;
            }
        }
    } else if (!m_finished) {
        for (const QJsonValue &v : status(pod).value(QStringLiteral("containerStatuses")).toArray()) {
            const QJsonObject cs = v.toObject();
            const QJsonObject state = cs.value(QStringLiteral("state")).toObject();
            const bool started =
                state.contains(QStringLiteral("running")) || state.contains(QStringLiteral("terminated")) ||
                cs.value(QStringLiteral("lastState")).toObject().contains(QStringLiteral("terminated"));
            const QString container = cs.value(QStringLiteral("name")).toString();
            const QString key = podName + QLatin1Char('/') + container;
            if (!started || m_followers.contains(key))
                continue;
            auto *follower = new LogFollower(m_client, m_plan.namespaceName, podName, container, this);
            const QString prefix =
                m_plan.service(dns) && s->replicas > 1 ? podName + QStringLiteral(": ") : QString();
            connect(follower, &LogFollower::line, this, [this, service, prefix](const QString &text) {
                Q_EMIT logLine(service, QStringLiteral("stdout"), prefix + text);
            });
            m_followers.insert(key, follower);
            follower->start();
        }
    }
    evaluate();
}

void RunDeployer::onEvent(const QString &type, const QJsonObject &event)
{
    if (type == QLatin1String("DELETED"))
        return;
    const QString key = meta(event).value(QStringLiteral("uid")).toString() + QLatin1Char('/') +
                        QString::number(event.value(QStringLiteral("count")).toInt());
    if (m_seenEvents.contains(key))
        return;
    m_seenEvents.insert(key);
    const QString involved =
        event.value(QStringLiteral("involvedObject")).toObject().value(QStringLiteral("name")).toString();
    const QString service = serviceOf(involved);
    if (event.value(QStringLiteral("reason")).toString() == QLatin1String("FailedCreate") &&
        !service.isEmpty())
        m_failedCreate.insert(service, event.value(QStringLiteral("message")).toString());
    Q_EMIT logLine(service, QStringLiteral("event"), PodDiagnosis::eventLine(event));
    evaluate();
}

QString RunDeployer::serviceOf(const QString &objectName) const
{
    QString best;
    int bestLength = 0;
    for (const plan::ServicePlan &s : m_plan.services)
        if ((objectName == s.dnsName || objectName.startsWith(s.dnsName + QLatin1Char('-'))) &&
            s.dnsName.size() > bestLength) {
            best = s.name;
            bestLength = int(s.dnsName.size());
        }
    return best;
}

void RunDeployer::updateStatuses()
{
    for (const plan::ServicePlan &s : m_plan.services) {
        runtime::ServiceStatus st;
        st.service = s.name;
        const QList<QJsonObject> pods = podsOf(s);
        const QJsonObject w = workloadOf(s);
        for (const QJsonObject &pod : pods) {
            for (const QJsonValue &cs : status(pod).value(QStringLiteral("containerStatuses")).toArray())
                st.restarts += cs.toObject().value(QStringLiteral("restartCount")).toInt();
            if (const auto p = PodDiagnosis::find(pod))
                st.detail = PodDiagnosis::describe(*p, s.name).message;
        }
        if (!st.detail.isEmpty())
            st.state = QStringLiteral("failed");
        else if (w.isEmpty())
            st.state = QStringLiteral("waiting");
        else if (s.oneShot && RolloutStatus::job(w).state == RolloutStatus::State::Done)
            st.state = QStringLiteral("completed");
        else if (!s.oneShot && RolloutStatus::deployment(w).state == RolloutStatus::State::Done)
            st.state = QStringLiteral("ready");
        else if (satisfied(s, Need::Started))
            st.state = QStringLiteral("running");
        else
            st.state = QStringLiteral("starting");
        const QString summary = st.state + QLatin1Char('/') + QString::number(st.restarts) + st.detail;
        if (m_statusText.value(s.name) == summary)
            continue;
        m_statusText.insert(s.name, summary);
        Q_EMIT serviceStatusChanged(st);
    }
}

void RunDeployer::cancel()
{
    fail(core::makeError(ErrorCategory::Cancelled, QStringLiteral("run.cancelled"),
                         QStringLiteral("The run was stopped.")));
}

void RunDeployer::fail(const core::Error &error)
{
    if (m_finished || m_ready) {
        if (m_ready && !m_finished)
            Q_EMIT broken(error);
        return;
    }
    m_finished = true;
    m_deadline.stop();
    qCInfo(lcKube) << "run" << m_plan.runId << "failed:" << error.code;
    shutdown();
    Q_EMIT failed(error);
}

void RunDeployer::shutdown()
{
    for (KubeWatch *w : {m_pods, m_deployments, m_jobs, m_events})
        if (w)
            w->stop();
    for (LogFollower *f : std::as_const(m_followers))
        f->stop();
    if (m_forwarder)
        m_forwarder->closeAll();
}

} // namespace rr::kube
