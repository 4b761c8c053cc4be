// Named volumes on Kubernetes, against the test API server and (as _real) the local cluster of
// scripts/local-cluster.sh: with a default StorageClass two services that share a named volume
// mount one PersistentVolumeClaim (on the real cluster one writes a file, the other serves it,
// fetched through the preview forward), and namespace deletion takes the claim and its volume
// away; without one each pod gets its own emptyDir and the run says the volume is not shared.
// A pod whose claim is missing is held by the scheduler, with the same words on both servers.
// The real cluster is taken as it is: each case runs where the cluster has (or lacks) a default
// StorageClass and says so when it skips.
#include "kube/kuberuntime.h"
#include "kuberender/kubestorage.h"
#include "kubetestenv.h"
#include "test_clusterimages.h"
#include "test_kube_support.h"
#include "test_planfor.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>

using namespace rr;
using kuberender::KubeStorage;
using rr::test::awaitFuture;
using rr::test::kubeapi::KubeTestEnv;

namespace {

const QString kSimClass = QStringLiteral("rr-test-default");

} // namespace

class TestKubeVolumes final : public QObject
{
    Q_OBJECT

private:
    KubeTestEnv m_env;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_work;
    std::unique_ptr<test::TinyHttpServer> m_http;
    test::ClusterImages m_images{m_env};
    QStringList m_events; // the runs' "event" log lines
    QStringList m_namespaces;

    // writer puts a file into the named volume `shared`; web serves that volume with busybox httpd.
    QString writeProject(const QString &name, const QByteArray &content)
    {
        const QString dir = m_work.path() + QLatin1Char('/') + name;
        test::writeTree(
            dir, {{QStringLiteral("compose.yaml"),
                   "services:\n"
                   "  writer:\n"
                   "    build: ./writer\n"
                   "    volumes: [\"shared:/data\"]\n"
                   "    healthcheck:\n"
                   "      test: [\"CMD\", \"test\", \"-f\", \"/data/index.html\"]\n"
                   "      interval: 2s\n"
                   "  web:\n"
                   "    build: ./web\n"
                   "    ports: [\"8080\"]\n"
                   "    volumes: [\"shared:/www:ro\"]\n"
                   "    depends_on:\n"
                   "      writer: {condition: service_healthy}\n"
                   "volumes:\n"
                   "  shared: {}\n"},
                  {QStringLiteral("writer/Dockerfile"), "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo " +
                                                            content +
                                                            " > /data/index.html && exec sleep 3600\"]\n"},
                  {QStringLiteral("web/Dockerfile"),
                   "FROM busybox:1.36\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n"}});
        return dir;
    }

    std::unique_ptr<kube::KubeRuntime> makeRuntime()
    {
        kube::KubeOptions options;
        options.kubeconfigFiles = {m_env.kubeconfig()};
        options.allowedContexts = m_env.allowedContexts();
        options.imagePullPolicy = QStringLiteral("Never");
        options.readyTimeoutSeconds = m_env.runsPods() ? 180 : 60;
        options.previewProbeSeconds = m_env.runsPods() ? 60 : 20;
        options.imageLoader = m_images.loader();
        auto runtime = std::make_unique<kube::KubeRuntime>(&m_nam, options);
        connect(runtime.get(), &runtime::Runtime::logLine, this,
                [this](const QString &, const QString &, const QString &stream, const QString &text) {
                    if (stream == QLatin1String("event"))
                        m_events << text;
                });
        return runtime;
    }

    QString defaultClass() const
    {
        return KubeStorage::defaultClass(
            m_env.request("GET", QStringLiteral("/apis/storage.k8s.io/v1/storageclasses")).json());
    }

    QJsonArray items(const QString &path) const
    {
        return m_env.request("GET", path).json().value(QStringLiteral("items")).toArray();
    }

    // The pod volumes of `service`'s first pod.
    QJsonArray podVolumes(const QString &ns, const QString &service) const
    {
        const QJsonArray pods = items(QStringLiteral("/api/v1/namespaces/%1/pods?labelSelector=").arg(ns) +
                                      QString::fromLatin1(QUrl::toPercentEncoding(
                                          QStringLiteral("reporunner.dev/service=") + service)));
        return pods.at(0)[QStringLiteral("spec")][QStringLiteral("volumes")].toArray();
    }

    static QJsonObject volumeNamed(const QJsonArray &volumes, const QString &name)
    {
        for (const QJsonValue &v : volumes)
            if (v[QStringLiteral("name")].toString() == name)
                return v.toObject();
        return {};
    }

    static runtime::Endpoint primaryOf(const runtime::Deployment &d)
    {
        for (const runtime::Endpoint &e : d.endpoints)
            if (e.primary)
                return e;
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start(&error), qPrintable(error));
        if (!m_env.isSimulated() && !m_env.runsPods())
            QSKIP("kwok fakes the pods' status: nothing listens behind a forward there");
        QVERIFY(m_work.isValid());
        const QString why = m_images.prepare();
        QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("pods run there, so Docker must build: ") + why));
        if (m_env.runsPods())
            return;
        m_http = std::make_unique<test::TinyHttpServer>("the stand-in for web");
        QVERIFY(m_env.control(
            QStringLiteral("forward"),
            {{QStringLiteral("port"), 8080},
             {QStringLiteral("target"), QStringLiteral("127.0.0.1:%1").arg(m_http->serverPort())}}));
        QVERIFY(m_env.control(QStringLiteral("config"), {{QStringLiteral("namespaceTerminationMs"), 500},
                                                         {QStringLiteral("podTerminationMs"), 100}}));
    }

    void cleanupTestCase()
    {
        for (const QString &ns : std::as_const(m_namespaces))
            m_env.request("DELETE", QStringLiteral("/api/v1/namespaces/") + ns);
        if (m_env.isSimulated())
            m_env.request("DELETE", QStringLiteral("/apis/storage.k8s.io/v1/storageclasses/") + kSimClass);
    }

    void sharedVolumeIsOneClaim()
    {
        if (m_env.isSimulated()) {
            const QJsonObject sc{
                {QStringLiteral("apiVersion"), QStringLiteral("storage.k8s.io/v1")},
                {QStringLiteral("kind"), QStringLiteral("StorageClass")},
                {QStringLiteral("metadata"),
                 QJsonObject{{QStringLiteral("name"), kSimClass},
                             {QStringLiteral("annotations"),
                              QJsonObject{{QLatin1String(KubeStorage::DefaultClassAnnotation),
                                           QStringLiteral("true")}}}}},
                {QStringLiteral("provisioner"), QStringLiteral("kubernetes.io/host-path")}};
            QCOMPARE(m_env
                         .request("POST", QStringLiteral("/apis/storage.k8s.io/v1/storageclasses"),
                                  QJsonDocument(sc).toJson(QJsonDocument::Compact))
                         .code,
                     201);
        }
        const QString storageClass = defaultClass();
        if (storageClass.isEmpty())
            QSKIP("this cluster has no default StorageClass (a local cluster started before "
                  "scripts/local-cluster.sh enabled the host-path provisioner: restart it)");

        const QByteArray content = "shared-" + QUuid::createUuid().toByteArray(QUuid::Id128).left(12);
        const plan::RunPlan plan =
            test::planFor(writeProject(QStringLiteral("shared"), content), QStringLiteral("kvs"));
        m_namespaces << plan.namespaceName;
        const QString claimName = plan.namedVolumes.value(QStringLiteral("shared"));
        QVERIFY(!claimName.isEmpty());
        auto runtime = makeRuntime();
        QVERIFY(m_images.load(*runtime, plan));
        m_events.clear();
        const auto deployed = awaitFuture(runtime->deploy(plan), 300000);
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));
        QVERIFY2(!m_events.filter(QStringLiteral("PersistentVolumeClaim ") + claimName).isEmpty(),
                 qPrintable(m_events.join(QLatin1Char('\n'))));

        const QJsonArray claims =
            items(QStringLiteral("/api/v1/namespaces/%1/persistentvolumeclaims").arg(plan.namespaceName));
        QCOMPARE(claims.size(), 1);
        const QJsonObject claim = claims.at(0).toObject();
        QCOMPARE(claim[QStringLiteral("metadata")][QStringLiteral("name")].toString(), claimName);
        QCOMPARE(claim[QStringLiteral("metadata")][QStringLiteral("labels")]
                      [QStringLiteral("reporunner.dev/run-id")]
                          .toString(),
                 QStringLiteral("kvs"));
        QCOMPARE(claim[QStringLiteral("spec")][QStringLiteral("storageClassName")].toString(), storageClass);
        QCOMPARE(claim[QStringLiteral("status")][QStringLiteral("phase")].toString(),
                 QStringLiteral("Bound"));
        const QString volumeName = claim[QStringLiteral("spec")][QStringLiteral("volumeName")].toString();
        QVERIFY(!volumeName.isEmpty());
        // Both services mount that claim.
        for (const char *service : {"writer", "web"}) {
            const QJsonObject v = volumeNamed(podVolumes(plan.namespaceName, QString::fromLatin1(service)),
                                              QStringLiteral("vol-shared"));
            QCOMPARE(v[QStringLiteral("persistentVolumeClaim")][QStringLiteral("claimName")].toString(),
                     claimName);
        }
        const QJsonObject quota =
            m_env
                .request(
                    "GET",
                    QStringLiteral("/api/v1/namespaces/%1/resourcequotas/rr-quota").arg(plan.namespaceName))
                .json();
        QCOMPARE(
            quota[QStringLiteral("spec")][QStringLiteral("hard")][QStringLiteral("persistentvolumeclaims")]
                .toString(),
            QStringLiteral("1"));

        // What writer wrote, served by web, through the preview forward.
        const runtime::Endpoint preview = primaryOf(*deployed);
        QCOMPARE(preview.service, QStringLiteral("web"));
        const QByteArray page = test::httpGetAt(preview.host, preview.localPort, 10000);
        QVERIFY2(page.contains(m_env.runsPods() ? content : QByteArray("the stand-in for web")),
                 page.constData());

        // Where the provisioner made the volume (a folder on this machine for the local cluster).
        const QString hostPath =
            m_env.request("GET", QStringLiteral("/api/v1/persistentvolumes/") + volumeName)
                .json()[QStringLiteral("spec")][QStringLiteral("hostPath")][QStringLiteral("path")]
                .toString();
        QVERIFY(awaitFuture(runtime->teardown(plan.runId), 180000).has_value());
        QCOMPARE(m_env.request("GET", QStringLiteral("/api/v1/namespaces/") + plan.namespaceName).code, 404);
        QCOMPARE(m_env
                     .request("GET", QStringLiteral("/api/v1/namespaces/%1/persistentvolumeclaims/%2")
                                         .arg(plan.namespaceName, claimName))
                     .code,
                 404);
        if (m_env.runsPods()) {
            // reclaimPolicy Delete: the claim's volume, and its folder, go with it.
            QTRY_COMPARE_WITH_TIMEOUT(
                m_env.request("GET", QStringLiteral("/api/v1/persistentvolumes/") + volumeName).code, 404,
                120000);
            if (hostPath.startsWith(QLatin1String("/tmp/hostpath_pv/")))
                QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(hostPath), 30000);
        }
    }

    // The scheduler holds a pod whose claim does not exist; the simulator says what the real one says.
    void podWithoutItsClaimIsUnschedulable()
    {
        const QString ns =
            QStringLiteral("rr-test-noclaim-") + QUuid::createUuid().toString(QUuid::Id128).left(6);
        m_namespaces << ns;
        const QJsonObject nsObject{{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                   {QStringLiteral("kind"), QStringLiteral("Namespace")},
                                   {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), ns}}}};
        QCOMPARE(m_env.request("POST", QStringLiteral("/api/v1/namespaces"), QJsonDocument(nsObject).toJson())
                     .code,
                 201);
        const QJsonObject pod{
            {QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("kind"), QStringLiteral("Pod")},
            {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("orphan")}}},
            {QStringLiteral("spec"),
             QJsonObject{
                 {QStringLiteral("containers"),
                  QJsonArray{QJsonObject{
                      {QStringLiteral("name"), QStringLiteral("c")},
                      {QStringLiteral("image"), QStringLiteral("busybox:1.36")},
                      {QStringLiteral("volumeMounts"),
                       QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("v")},
                                              {QStringLiteral("mountPath"), QStringLiteral("/v")}}}}}}},
                 {QStringLiteral("volumes"),
                  QJsonArray{QJsonObject{
                      {QStringLiteral("name"), QStringLiteral("v")},
                      {QStringLiteral("persistentVolumeClaim"),
                       QJsonObject{{QStringLiteral("claimName"), QStringLiteral("missing")}}}}}}}}};
        QCOMPARE(m_env
                     .request("POST", QStringLiteral("/api/v1/namespaces/%1/pods").arg(ns),
                              QJsonDocument(pod).toJson(QJsonDocument::Compact))
                     .code,
                 201);
        const auto scheduled = [this, ns] {
            const QJsonObject status =
                m_env.request("GET", QStringLiteral("/api/v1/namespaces/%1/pods/orphan").arg(ns))
                    .json()[QStringLiteral("status")]
                    .toObject();
            for (const QJsonValue &c : status[QStringLiteral("conditions")].toArray())
                if (c[QStringLiteral("type")].toString() == QLatin1String("PodScheduled"))
                    return c.toObject();
            return QJsonObject();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!scheduled().isEmpty(), 30000);
        const QJsonObject condition = scheduled();
        QCOMPARE(condition[QStringLiteral("status")].toString(), QStringLiteral("False"));
        QCOMPARE(condition[QStringLiteral("reason")].toString(), QStringLiteral("Unschedulable"));
        QVERIFY2(condition[QStringLiteral("message")].toString().contains(
                     QStringLiteral("persistentvolumeclaim \"missing\" not found")),
                 qPrintable(condition[QStringLiteral("message")].toString()));
        m_env.request("DELETE", QStringLiteral("/api/v1/namespaces/") + ns);
    }

    void withoutDefaultClassEachPodHasItsOwn()
    {
        if (m_env.isSimulated())
            m_env.request("DELETE", QStringLiteral("/apis/storage.k8s.io/v1/storageclasses/") + kSimClass);
        if (!defaultClass().isEmpty())
            QSKIP("this cluster has a default StorageClass (the fallback is tested where there is none, "
                  "e.g. on the simulator)");

        const QByteArray content = "private-" + QUuid::createUuid().toByteArray(QUuid::Id128).left(12);
        const plan::RunPlan plan =
            test::planFor(writeProject(QStringLiteral("own"), content), QStringLiteral("kvo"));
        m_namespaces << plan.namespaceName;
        auto runtime = makeRuntime();
        QVERIFY(m_images.load(*runtime, plan));
        m_events.clear();
        const auto deployed = awaitFuture(runtime->deploy(plan), 300000);
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));
        QVERIFY2(!m_events
                      .filter(QStringLiteral("not shared across services on this cluster (no default "
                                             "StorageClass)"))
                      .isEmpty(),
                 qPrintable(m_events.join(QLatin1Char('\n'))));
        QVERIFY(items(QStringLiteral("/api/v1/namespaces/%1/persistentvolumeclaims").arg(plan.namespaceName))
                    .isEmpty());
        for (const char *service : {"writer", "web"}) {
            const QJsonObject v = volumeNamed(podVolumes(plan.namespaceName, QString::fromLatin1(service)),
                                              QStringLiteral("vol-shared"));
            QVERIFY2(v.contains(QStringLiteral("emptyDir")), service);
        }
        if (m_env.runsPods()) {
            // web's own volume is empty: httpd has nothing to serve.
            const runtime::Endpoint preview = primaryOf(*deployed);
            const QByteArray page = test::httpGetAt(preview.host, preview.localPort, 10000);
            QVERIFY2(page.startsWith("HTTP/1.0 404") || page.startsWith("HTTP/1.1 404"), page.constData());
            QVERIFY(!page.contains(content));
        }
        QVERIFY(awaitFuture(runtime->teardown(plan.runId), 180000).has_value());
    }
};

QTEST_GUILESS_MAIN(TestKubeVolumes)
#include "test_kube_volumes.moc"
