#include "kuberender/kuberenderer.h"
#include "kuberender/yamlemitter.h"
#include "plan/planner.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <yaml-cpp/yaml.h>

using namespace rr;

namespace {

project::Service service(const QString &name)
{
    project::Service s;
    s.name = name;
    s.image = QStringLiteral("busybox:1.36");
    s.keys.insert(QStringLiteral("image"), core::Location{QStringLiteral("compose.yaml"), 2, 5});
    return s;
}

QStringList kinds(const QList<QJsonObject> &objects)
{
    QStringList out;
    for (const QJsonObject &o : objects)
        out << o.value(QStringLiteral("kind")).toString();
    return out;
}

QJsonObject find(const QList<QJsonObject> &objects, const QString &kind, const QString &name)
{
    for (const QJsonObject &o : objects)
        if (o.value(QStringLiteral("kind")).toString() == kind &&
            o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString() == name)
            return o;
    return {};
}

QJsonValue at(const QJsonValue &root, const QString &path)
{
    QJsonValue v = root;
    for (const QString &part : path.split(QLatin1Char('/'))) {
        bool isIndex = false;
        const int i = part.toInt(&isIndex);
        v = isIndex ? v.toArray().at(i) : v.toObject().value(part);
    }
    return v;
}

} // namespace

class TestPlanRender : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    plan::RunPlan planOf(const QList<project::Service> &services, bool offline = false)
    {
        project::ComposeProject p;
        p.name = QStringLiteral("demo");
        p.projectDir = m_dir.path();
        p.services = services;
        plan::PlanOptions o;
        o.runId = QStringLiteral("r1d2");
        o.owner = QStringLiteral("octo");
        o.repo = QStringLiteral("demo");
        o.offline = offline;
        const auto r = plan::Planner::plan(p, {}, o);
        if (!r)
            qFatal("plan failed: %s", qPrintable(r.error().toString()));
        return *r;
    }

    QList<project::Service> sample()
    {
        project::Service web = service(QStringLiteral("web"));
        project::PortMapping pm;
        pm.target = pm.targetEnd = 80;
        pm.published = pm.publishedEnd = 8080;
        web.ports = {pm};
        web.environment = {{QStringLiteral("GREETING"), QStringLiteral("cost $5 $(x)")}};
        web.command = QStringList{QStringLiteral("httpd"), QStringLiteral("-f")};
        project::Service worker = service(QStringLiteral("worker"));
        project::Service migrate = service(QStringLiteral("migrate"));
        migrate.restart = QStringLiteral("no");
        return {web, worker, migrate};
    }

private Q_SLOTS:
    void orderAndLabels()
    {
        const plan::RunPlan p = planOf(sample());
        const QList<QJsonObject> objects = kuberender::KubeRenderer::render(p);
        QCOMPARE(kinds(objects), (QStringList{QStringLiteral("Namespace"), QStringLiteral("ServiceAccount"),
                                              QStringLiteral("ResourceQuota"), QStringLiteral("LimitRange"),
                                              QStringLiteral("NetworkPolicy"), QStringLiteral("Service"),
                                              QStringLiteral("Service"), QStringLiteral("Service"),
                                              QStringLiteral("Deployment"), QStringLiteral("Deployment"),
                                              QStringLiteral("Job")}));
        for (const QJsonObject &o : objects) {
            const QJsonObject labels = at(o, QStringLiteral("metadata/labels")).toObject();
            QCOMPARE(labels.value(QStringLiteral("app.kubernetes.io/managed-by")).toString(),
                     QStringLiteral("reporunner"));
            QCOMPARE(labels.value(QStringLiteral("reporunner.dev/run-id")).toString(),
                     QStringLiteral("r1d2"));
            if (o.value(QStringLiteral("kind")) != QLatin1String("Namespace"))
                QCOMPARE(at(o, QStringLiteral("metadata/namespace")).toString(), p.namespaceName);
            if (o.value(QStringLiteral("kind")) == QLatin1String("Deployment") ||
                o.value(QStringLiteral("kind")) == QLatin1String("Job")) {
                const QJsonObject podLabels =
                    at(o, QStringLiteral("spec/template/metadata/labels")).toObject();
                QCOMPARE(podLabels.value(QStringLiteral("reporunner.dev/run-id")).toString(),
                         QStringLiteral("r1d2"));
                QCOMPARE(podLabels.value(QStringLiteral("reporunner.dev/service")).toString(),
                         at(o, QStringLiteral("metadata/name")).toString());
            }
        }
        const QJsonObject ns = objects.first();
        const QJsonObject nsLabels = at(ns, QStringLiteral("metadata/labels")).toObject();
        QCOMPARE(nsLabels.value(QStringLiteral("pod-security.kubernetes.io/enforce")).toString(),
                 QStringLiteral("baseline"));
        QCOMPARE(nsLabels.value(QStringLiteral("pod-security.kubernetes.io/warn")).toString(),
                 QStringLiteral("restricted"));
        QCOMPARE(nsLabels.value(QStringLiteral("pod-security.kubernetes.io/audit")).toString(),
                 QStringLiteral("restricted"));
    }

    void quotaAndServiceAccount()
    {
        const QList<QJsonObject> objects = kuberender::KubeRenderer::render(planOf(sample()));
        const QJsonObject hard = at(objects.at(2), QStringLiteral("spec/hard")).toObject();
        QCOMPARE(hard.value(QStringLiteral("requests.cpu")).toString(), QStringLiteral("1"));
        QCOMPARE(hard.value(QStringLiteral("limits.cpu")).toString(), QStringLiteral("2"));
        QCOMPARE(hard.value(QStringLiteral("requests.memory")).toString(), QStringLiteral("1536Mi"));
        QCOMPARE(hard.value(QStringLiteral("limits.memory")).toString(), QStringLiteral("2Gi"));
        QCOMPARE(hard.value(QStringLiteral("pods")).toString(), QStringLiteral("10"));
        QCOMPARE(hard.value(QStringLiteral("services.nodeports")).toString(), QStringLiteral("0"));
        QCOMPARE(hard.value(QStringLiteral("services.loadbalancers")).toString(), QStringLiteral("0"));
        const QJsonObject lr = at(objects.at(3), QStringLiteral("spec/limits/0")).toObject();
        QCOMPARE(at(lr, QStringLiteral("default/cpu")).toString(), QStringLiteral("500m"));
        QCOMPARE(at(lr, QStringLiteral("default/memory")).toString(), QStringLiteral("512Mi"));
        QCOMPARE(at(lr, QStringLiteral("defaultRequest/cpu")).toString(), QStringLiteral("100m"));
        QCOMPARE(at(lr, QStringLiteral("defaultRequest/memory")).toString(), QStringLiteral("128Mi"));
        QCOMPARE(at(lr, QStringLiteral("default/ephemeral-storage")).toString(), QStringLiteral("2Gi"));
        QCOMPARE(at(lr, QStringLiteral("defaultRequest/ephemeral-storage")).toString(),
                 QStringLiteral("256Mi"));
        QCOMPARE(at(lr, QStringLiteral("max/ephemeral-storage")).toString(), QStringLiteral("2Gi"));
        QCOMPARE(objects.at(1).value(QStringLiteral("automountServiceAccountToken")).toBool(true), false);
    }

    void networkPolicy()
    {
        for (const bool offline : {false, true}) {
            const QJsonObject np = kuberender::KubeRenderer::render(planOf(sample(), offline)).at(4);
            QCOMPARE(at(np, QStringLiteral("spec/podSelector")).toObject(), QJsonObject());
            QCOMPARE(at(np, QStringLiteral("spec/policyTypes")).toArray(),
                     (QJsonArray{QStringLiteral("Ingress"), QStringLiteral("Egress")}));
            QCOMPARE(at(np, QStringLiteral("spec/ingress/0/from/0")).toObject(),
                     (QJsonObject{{QStringLiteral("podSelector"), QJsonObject()}}));
            const QJsonArray egress = at(np, QStringLiteral("spec/egress")).toArray();
            QCOMPARE(egress.size(), offline ? 2 : 3);
            const QJsonObject dns = egress.at(1).toObject();
            const QJsonObject nsSel =
                at(dns, QStringLiteral("to/0/namespaceSelector/matchLabels")).toObject();
            QCOMPARE(nsSel.value(QStringLiteral("kubernetes.io/metadata.name")).toString(),
                     QStringLiteral("kube-system"));
            QCOMPARE(at(dns, QStringLiteral("to/0/podSelector/matchLabels/k8s-app")).toString(),
                     QStringLiteral("kube-dns"));
            QStringList protos;
            for (const QJsonValue &pv : dns.value(QStringLiteral("ports")).toArray()) {
                protos << pv.toObject().value(QStringLiteral("protocol")).toString();
                QCOMPARE(pv.toObject().value(QStringLiteral("port")).toInt(), 53);
            }
            QCOMPARE(protos, (QStringList{QStringLiteral("UDP"), QStringLiteral("TCP")}));
            if (!offline) {
                const QJsonObject block = at(egress.at(2), QStringLiteral("to/0/ipBlock")).toObject();
                QCOMPARE(block.value(QStringLiteral("cidr")).toString(), QStringLiteral("0.0.0.0/0"));
                QStringList except;
                for (const QJsonValue &e : block.value(QStringLiteral("except")).toArray())
                    except << e.toString();
                // Private, loopback, link-local (metadata), CGNAT, "this network", the
                // benchmarking range, multicast and reserved: none of them is the internet.
                for (const char *cidr :
                     {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8",
                      "100.64.0.0/10", "0.0.0.0/8", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4"})
                    QVERIFY2(except.contains(QLatin1String(cidr)), cidr);
                QCOMPARE(except.size(), 10);
            }
        }
    }

    void podHardening()
    {
        const QList<QJsonObject> objects = kuberender::KubeRenderer::render(planOf(sample()));
        const QJsonObject web = find(objects, QStringLiteral("Deployment"), QStringLiteral("web"));
        QVERIFY(!web.isEmpty());
        QCOMPARE(at(web, QStringLiteral("spec/progressDeadlineSeconds")).toInt(), 120);
        const QJsonObject pod = at(web, QStringLiteral("spec/template/spec")).toObject();
        QCOMPARE(pod.value(QStringLiteral("enableServiceLinks")).toBool(true), false);
        QCOMPARE(pod.value(QStringLiteral("automountServiceAccountToken")).toBool(true), false);
        QCOMPARE(pod.value(QStringLiteral("terminationGracePeriodSeconds")).toInt(), 5);
        QCOMPARE(pod.value(QStringLiteral("serviceAccountName")).toString(),
                 at(objects.at(1), QStringLiteral("metadata/name")).toString());
        const QJsonObject c = at(pod, QStringLiteral("containers/0")).toObject();
        QCOMPARE(c.value(QStringLiteral("imagePullPolicy")).toString(), QStringLiteral("IfNotPresent"));
        QCOMPARE(at(c, QStringLiteral("securityContext/allowPrivilegeEscalation")).toBool(true), false);
        QCOMPARE(at(c, QStringLiteral("securityContext/seccompProfile/type")).toString(),
                 QStringLiteral("RuntimeDefault"));
        QCOMPARE(at(c, QStringLiteral("securityContext/capabilities/drop")).toArray(),
                 QJsonArray{QStringLiteral("ALL")});
        QVERIFY(at(c, QStringLiteral("securityContext/capabilities/add"))
                    .toArray()
                    .contains(QStringLiteral("CHOWN")));
        QCOMPARE(at(c, QStringLiteral("args")).toArray(),
                 (QJsonArray{QStringLiteral("httpd"), QStringLiteral("-f")}));
        // Kubernetes would expand $(x) and $$: every '$' is doubled so the value stays literal.
        QCOMPARE(at(c, QStringLiteral("env/0/value")).toString(), QStringLiteral("cost $$5 $$(x)"));
        QCOMPARE(at(c, QStringLiteral("ports/0/containerPort")).toInt(), 80);

        const QJsonObject job = find(objects, QStringLiteral("Job"), QStringLiteral("migrate"));
        QCOMPARE(at(job, QStringLiteral("spec/backoffLimit")).toInt(-1), 0);
        QCOMPARE(at(job, QStringLiteral("spec/template/spec/restartPolicy")).toString(),
                 QStringLiteral("Never"));
    }

    void servicesUseContainerPortsOrHeadless()
    {
        const QList<QJsonObject> objects = kuberender::KubeRenderer::render(planOf(sample()));
        const QJsonObject web = find(objects, QStringLiteral("Service"), QStringLiteral("web"));
        QCOMPARE(at(web, QStringLiteral("spec/ports/0/port")).toInt(), 80);
        QCOMPARE(at(web, QStringLiteral("spec/ports/0/targetPort")).toInt(), 80);
        QCOMPARE(at(web, QStringLiteral("spec/selector"))
                     .toObject()
                     .value(QStringLiteral("reporunner.dev/service"))
                     .toString(),
                 QStringLiteral("web"));
        const QJsonObject worker = find(objects, QStringLiteral("Service"), QStringLiteral("worker"));
        QCOMPARE(at(worker, QStringLiteral("spec/clusterIP")).toString(), QStringLiteral("None"));
        QVERIFY(at(worker, QStringLiteral("spec/ports")).isUndefined());
    }

    void addressAliasesOnceKnown()
    {
        project::Service a = service(QStringLiteral("my_app"));
        project::Service b = service(QStringLiteral("client"));
        plan::RunPlan p = planOf({a, b});
        const QString dns = p.service(QStringLiteral("my_app"))->dnsName;
        // Before the runtime knows the Service's address: nothing about the alias yet.
        QList<QJsonObject> objects = kuberender::KubeRenderer::render(p);
        QVERIFY(find(objects, QStringLiteral("ConfigMap"), QStringLiteral("rr-hosts")).isEmpty());
        p.serviceAddresses.insert(dns, QStringLiteral("10.96.0.42"));
        objects = kuberender::KubeRenderer::render(p);
        const QJsonObject hosts = find(objects, QStringLiteral("ConfigMap"), QStringLiteral("rr-hosts"));
        QVERIFY(at(hosts, QStringLiteral("data/hosts"))
                    .toString()
                    .contains(QStringLiteral("10.96.0.42\tmy_app")));
        QVERIFY(at(hosts, QStringLiteral("data/hosts")).toString().contains(QStringLiteral("localhost")));
        const QJsonObject client = find(objects, QStringLiteral("Deployment"), QStringLiteral("client"));
        bool mounted = false;
        for (const QJsonValue &m :
             at(client, QStringLiteral("spec/template/spec/containers/0/volumeMounts")).toArray())
            mounted = mounted || m.toObject().value(QStringLiteral("mountPath")).toString() ==
                                     QLatin1String("/etc/hosts");
        QVERIFY(mounted);

        // Names that are DNS subdomains use hostAliases and keep the kubelet's hosts file.
        plan::RunPlan dotted = planOf({service(QStringLiteral("my.app")), b});
        dotted.serviceAddresses.insert(dotted.service(QStringLiteral("my.app"))->dnsName,
                                       QStringLiteral("10.96.0.7"));
        objects = kuberender::KubeRenderer::render(dotted);
        const QJsonObject c2 = find(objects, QStringLiteral("Deployment"), QStringLiteral("client"));
        QCOMPARE(at(c2, QStringLiteral("spec/template/spec/hostAliases/0/ip")).toString(),
                 QStringLiteral("10.96.0.7"));
        QCOMPARE(at(c2, QStringLiteral("spec/template/spec/hostAliases/0/hostnames/0")).toString(),
                 QStringLiteral("my.app"));
    }

    void yamlKeepsStringsStrings()
    {
        const QJsonObject o{
            {QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
            {QStringLiteral("data"), QJsonObject{{QStringLiteral("a"), QStringLiteral("123")},
                                                 {QStringLiteral("b"), QStringLiteral("true")},
                                                 {QStringLiteral("c"), QStringLiteral("no")},
                                                 {QStringLiteral("d"), QStringLiteral("1e3")},
                                                 {QStringLiteral("e"), QStringLiteral("")},
                                                 {QStringLiteral("f"), QStringLiteral("null")},
                                                 {QStringLiteral("g"), QStringLiteral("line1\nline2")},
                                                 {QStringLiteral("h"), QStringLiteral("0o17")},
                                                 {QStringLiteral("i"), QStringLiteral("Grüße: ok")}}},
            {QStringLiteral("n"), 42},
            {QStringLiteral("t"), true}};
        const QByteArray yaml = kuberender::toYamlStream({o, o});
        QCOMPARE(yaml.count("---\n"), 2);
        const std::vector<YAML::Node> docs = YAML::LoadAll(yaml.toStdString());
        QCOMPARE(int(docs.size()), 2);
        const YAML::Node data = docs.at(0)["data"];
        for (const char *k : {"a", "b", "c", "d", "e", "f", "h"})
            QCOMPARE(data[k].Tag(), std::string("!")); // quoted: a non-specific tag, i.e. a string
        QCOMPARE(QString::fromStdString(data["a"].as<std::string>()), QStringLiteral("123"));
        QCOMPARE(QString::fromStdString(data["g"].as<std::string>()), QStringLiteral("line1\nline2"));
        QCOMPARE(QString::fromUtf8(data["i"].as<std::string>().c_str()), QStringLiteral("Grüße: ok"));
        QCOMPARE(docs.at(0)["n"].as<int>(), 42);
        QCOMPARE(docs.at(0)["n"].Tag(), std::string("?"));
        QCOMPARE(docs.at(0)["t"].as<bool>(), true);
    }
};

QTEST_GUILESS_MAIN(TestPlanRender)
#include "test_plan_render.moc"
