#include "kube/networkpolicyprobe.h"

#include "core/logging.h"
#include "core/promises.h"
#include "kube/kubeclient.h"
#include "kube/kubewatch.h"
#include "runtime/runtime.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QUrl>

namespace rr::kube {

namespace {

const QString kRoleLabel = QStringLiteral("reporunner.dev/probe-role");

QString roleOf(const QJsonObject &pod)
{
    return pod.value(QStringLiteral("metadata"))
        .toObject()
        .value(QStringLiteral("labels"))
        .toObject()
        .value(kRoleLabel)
        .toString();
}

QJsonObject containerState(const QJsonObject &pod)
{
    return pod.value(QStringLiteral("status"))
        .toObject()
        .value(QStringLiteral("containerStatuses"))
        .toArray()
        .first()
        .toObject()
        .value(QStringLiteral("state"))
        .toObject();
}

// A waiting reason that means the probe's pods will never start.
bool neverStarts(const QString &reason)
{
    return reason == QLatin1String("ErrImagePull") || reason == QLatin1String("ImagePullBackOff") ||
           reason == QLatin1String("ErrImageNeverPull") || reason == QLatin1String("InvalidImageName") ||
           reason == QLatin1String("CreateContainerConfigError");
}

} // namespace

NetworkPolicyProbe::NetworkPolicyProbe(KubeClient *client, QString image, QString owner, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_image(std::move(image))
    , m_owner(std::move(owner))
    , m_namespace(QStringLiteral("rr-netprobe-%1")
                      .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0')))
{
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(TimeoutMs);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        conclude(PolicyEnforcement::State::Unknown,
                 QStringLiteral("the NetworkPolicy probe got no answer within %1 s").arg(TimeoutMs / 1000));
    });
}

NetworkPolicyProbe::~NetworkPolicyProbe()
{
    if (m_promise && !m_done)
        core::promises::settle(m_promise,
                               PolicyEnforcement{PolicyEnforcement::State::Unknown,
                                                 QStringLiteral("the NetworkPolicy probe was stopped")});
}

QFuture<int> NetworkPolicyProbe::sweepLeftovers(KubeClient *client, const QString &owner)
{
    if (owner.isEmpty())
        return core::promises::ready(0);
    const QString selector = QLatin1String(ProbeLabel) + QStringLiteral("=networkpolicy,") +
                             QLatin1String(runtime::Runtime::EngineLabel) + QLatin1Char('=') + owner;
    auto promise = core::promises::started<int>();
    core::promises::whenFinished(
        client,
        client->get(QStringLiteral("/api/v1/namespaces?labelSelector=") +
                    QString::fromLatin1(QUrl::toPercentEncoding(selector))),
        [client, promise](const core::Result<QJsonObject> &list) {
            if (!list) {
                qCWarning(lcKube) << "could not list leftover NetworkPolicy probes:" << list.error().message;
                return core::promises::settle(promise, 0);
            }
            QStringList names;
            for (const QJsonValue &v : list->value(QStringLiteral("items")).toArray()) {
                const QJsonObject ns = v.toObject();
                if (ns.value(QStringLiteral("status")).toObject().value(QStringLiteral("phase")).toString() !=
                    QLatin1String("Terminating"))
                    names << ns.value(QStringLiteral("metadata"))
                                 .toObject()
                                 .value(QStringLiteral("name"))
                                 .toString();
            }
            if (names.isEmpty())
                return core::promises::settle(promise, 0);
            auto waiting = std::make_shared<int>(int(names.size()));
            for (const QString &name : names) {
                qCInfo(lcKube) << "deleting the namespace of an unfinished NetworkPolicy probe:" << name;
                core::promises::whenFinished(
                    client, client->remove(QStringLiteral("/api/v1/namespaces/%1").arg(name)),
                    [promise, waiting, count = int(names.size())](const core::Result<QJsonObject> &) {
                        if (--*waiting == 0)
                            core::promises::settle(promise, count);
                    });
            }
        });
    return promise->future();
}

QJsonObject NetworkPolicyProbe::pod(const QString &role, const QJsonArray &command) const
{
    const QJsonObject securityContext{
        {QStringLiteral("allowPrivilegeEscalation"), false},
        {QStringLiteral("runAsNonRoot"), true},
        {QStringLiteral("runAsUser"), 65534},
        {QStringLiteral("capabilities"),
         QJsonObject{{QStringLiteral("drop"), QJsonArray{QStringLiteral("ALL")}}}},
        {QStringLiteral("seccompProfile"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("RuntimeDefault")}}}};
    const QJsonObject resources{
        {QStringLiteral("limits"), QJsonObject{{QStringLiteral("cpu"), QStringLiteral("100m")},
                                               {QStringLiteral("memory"), QStringLiteral("32Mi")}}}};
    return QJsonObject{
        {QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("kind"), QStringLiteral("Pod")},
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("name"), role},
                     {QStringLiteral("namespace"), m_namespace},
                     {QStringLiteral("labels"), QJsonObject{{kRoleLabel, role}}}}},
        {QStringLiteral("spec"),
         QJsonObject{
             {QStringLiteral("restartPolicy"),
              role == QLatin1String("server") ? QStringLiteral("Always") : QStringLiteral("Never")},
             {QStringLiteral("automountServiceAccountToken"), false},
             {QStringLiteral("terminationGracePeriodSeconds"), 0},
             {QStringLiteral("containers"),
              QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("probe")},
                                     {QStringLiteral("image"), m_image},
                                     {QStringLiteral("imagePullPolicy"), QStringLiteral("IfNotPresent")},
                                     {QStringLiteral("command"), command},
                                     {QStringLiteral("resources"), resources},
                                     {QStringLiteral("securityContext"), securityContext}}}}}}};
}

QFuture<PolicyEnforcement> NetworkPolicyProbe::run()
{
    m_promise = core::promises::started<PolicyEnforcement>();
    m_deadline.start();
    QJsonObject labels{{QLatin1String(ProbeLabel), QStringLiteral("networkpolicy")},
                       {QStringLiteral("pod-security.kubernetes.io/enforce"), QStringLiteral("restricted")}};
    if (!m_owner.isEmpty())
        labels.insert(QLatin1String(runtime::Runtime::EngineLabel), m_owner);
    const QJsonObject ns{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                         {QStringLiteral("kind"), QStringLiteral("Namespace")},
                         {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), m_namespace},
                                                                  {QStringLiteral("labels"), labels}}}};
    core::promises::whenFinished(this, m_client->apply(ns), [this](const core::Result<QJsonObject> &created) {
        if (!created)
            return conclude(PolicyEnforcement::State::Unknown,
                            QStringLiteral("the NetworkPolicy probe could not create its namespace: %1")
                                .arg(created.error().message));
        createObjects();
    });
    return m_promise->future();
}

void NetworkPolicyProbe::createObjects()
{
    // The policy exists before the client it denies.
    const QJsonObject policy{
        {QStringLiteral("apiVersion"), QStringLiteral("networking.k8s.io/v1")},
        {QStringLiteral("kind"), QStringLiteral("NetworkPolicy")},
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("deny-egress")},
                                                 {QStringLiteral("namespace"), m_namespace}}},
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("podSelector"),
                      QJsonObject{{QStringLiteral("matchLabels"),
                                   QJsonObject{{kRoleLabel, QStringLiteral("denied")}}}}},
                     {QStringLiteral("policyTypes"), QJsonArray{QStringLiteral("Egress")}},
                     {QStringLiteral("egress"), QJsonArray()}}}};
    core::promises::whenFinished(
        this, m_client->apply(policy), [this](const core::Result<QJsonObject> &applied) {
            if (!applied)
                return conclude(PolicyEnforcement::State::Unknown,
                                QStringLiteral("the NetworkPolicy probe could not create its policy: %1")
                                    .arg(applied.error().message));
            m_watch = new KubeWatch(m_client, QStringLiteral("/api/v1/namespaces/%1/pods").arg(m_namespace),
                                    {}, {}, this);
            connect(m_watch, &KubeWatch::changed, this,
                    [this](const QString &, const QJsonObject &object) { onPod(object); });
            connect(m_watch, &KubeWatch::failed, this, [this](const core::Error &error) {
                conclude(PolicyEnforcement::State::Unknown,
                         QStringLiteral("the NetworkPolicy probe could not watch its pods: %1")
                             .arg(error.message));
            });
            m_watch->start();
            // busybox httpd serves the pod's own /etc (hostname is always there), as nobody.
            const QJsonArray serve{QStringLiteral("httpd"),     QStringLiteral("-f"), QStringLiteral("-p"),
                                   QString::number(ServerPort), QStringLiteral("-h"), QStringLiteral("/etc")};
            core::promises::whenFinished(
                this, m_client->apply(pod(QStringLiteral("server"), serve)),
                [this](const core::Result<QJsonObject> &created) {
                    if (!created)
                        conclude(PolicyEnforcement::State::Unknown,
                                 QStringLiteral("the NetworkPolicy probe's server pod was "
                                                "refused: %1")
                                     .arg(created.error().message));
                });
        });
}

void NetworkPolicyProbe::startClients(const QString &serverIp)
{
    m_clientsStarted = true;
    // Network plugins program a new pod's policy rules moments after it starts, so both clients
    // wait first; then a few tries, so a server still binding its port is not mistaken for a
    // blocked one.
    const QString fetch = QStringLiteral("sleep %1; for i in 1 2 3; do timeout 3 wget -q -O /dev/null "
                                         "http://%2:%3/hostname && exit 0; sleep 1; done; exit 1")
                              .arg(PolicySettleSeconds)
                              .arg(serverIp)
                              .arg(ServerPort);
    for (const QString &role : {QStringLiteral("control"), QStringLiteral("denied")})
        core::promises::whenFinished(
            this, m_client->apply(pod(role, QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"), fetch})),
            [this, role](const core::Result<QJsonObject> &created) {
                if (!created)
                    conclude(PolicyEnforcement::State::Unknown,
                             QStringLiteral("the NetworkPolicy probe's %1 pod was refused: %2")
                                 .arg(role, created.error().message));
            });
}

void NetworkPolicyProbe::onPod(const QJsonObject &changed)
{
    if (m_done)
        return;
    const QJsonObject waiting = containerState(changed).value(QStringLiteral("waiting")).toObject();
    if (const QString reason = waiting.value(QStringLiteral("reason")).toString(); neverStarts(reason))
        return conclude(PolicyEnforcement::State::Unknown,
                        QStringLiteral("the NetworkPolicy probe's image %1 cannot start in this cluster (%2)")
                            .arg(m_image, reason));
    const QString role = roleOf(changed);
    const QJsonObject status = changed.value(QStringLiteral("status")).toObject();
    if (role == QLatin1String("server")) {
        const QString ip = status.value(QStringLiteral("podIP")).toString();
        if (!m_clientsStarted && containerState(changed).contains(QStringLiteral("running")) && !ip.isEmpty())
            startClients(ip);
        if (containerState(changed).contains(QStringLiteral("terminated")))
            conclude(PolicyEnforcement::State::Unknown,
                     QStringLiteral("the NetworkPolicy probe's server stopped"));
        return;
    }
    // Both clients must have finished.
    int control = -1;
    int denied = -1;
    for (const QJsonObject &pod : m_watch->objects()) {
        const QJsonObject terminated = containerState(pod).value(QStringLiteral("terminated")).toObject();
        if (terminated.isEmpty())
            continue;
        const int code = terminated.value(QStringLiteral("exitCode")).toInt(-1);
        if (roleOf(pod) == QLatin1String("control"))
            control = code;
        else if (roleOf(pod) == QLatin1String("denied"))
            denied = code;
    }
    if (control < 0 || denied < 0)
        return;
    if (control != 0)
        return conclude(PolicyEnforcement::State::Unknown,
                        QStringLiteral("the NetworkPolicy probe's control pod could not reach its server"));
    if (denied == 0)
        return conclude(
            PolicyEnforcement::State::NotEnforced,
            QStringLiteral("NetworkPolicy is NOT enforced on this cluster: a pod whose egress a policy "
                           "denies still reached another pod, so a run's pods are not isolated from "
                           "other pods, the node or the network"));
    conclude(PolicyEnforcement::State::Enforced,
             QStringLiteral("NetworkPolicy is enforced on this cluster (probe: the denied pod was blocked)"));
}

void NetworkPolicyProbe::conclude(PolicyEnforcement::State state, const QString &detail)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    if (m_watch)
        m_watch->stop();
    qCInfo(lcKube) << "NetworkPolicy probe in" << m_namespace << ":" << detail;
    // The scratch namespace goes with everything in it; nobody waits for that.
    m_client->remove(QStringLiteral("/api/v1/namespaces/%1").arg(m_namespace));
    core::promises::settle(m_promise, PolicyEnforcement{state, detail});
}

} // namespace rr::kube
