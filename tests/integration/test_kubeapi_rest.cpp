// Status bodies, watches (bookmarks, both 410 forms), the port-forward upgrade, namespace
// termination and simulated pod failures of the test API server; the same checks run against the
// real cluster (test_kubeapi_rest_real), so the simulator must agree with it wherever both run.
// Simulation-only cases say why they skip there.
#include "kubetestenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslSocket>
#include <QTest>

using rr::test::kubeapi::KubeTestEnv;

class TestKubeapiRest final : public QObject
{
    Q_OBJECT

private:
    KubeTestEnv m_env;
    QString m_ns;

    static QByteArray json(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
    QJsonObject parse(const QByteArray &text) const { return QJsonDocument::fromJson(text).object(); }
    KubeTestEnv::Reply post(const QString &path, const QByteArray &body) const
    {
        return m_env.request("POST", path, body);
    }
    QString nsPath(const QString &rest) const
    {
        return QStringLiteral("/api/v1/namespaces/%1/%2").arg(m_ns, rest);
    }
    void createNamespace(const QString &name, const QJsonObject &labels = {})
    {
        const auto r =
            post(QStringLiteral("/api/v1/namespaces"),
                 json({{QStringLiteral("metadata"),
                        QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("labels"), labels}}}}));
        QCOMPARE(r.code, 201);
    }
    // Opens a streaming GET and collects what arrives.
    QNetworkReply *stream(QNetworkAccessManager *nam, const QString &path, QByteArray *sink) const
    {
        QNetworkRequest req(QUrl(m_env.server() + path));
        req.setSslConfiguration(m_env.tls());
        QNetworkReply *reply = nam->get(req);
        connect(reply, &QNetworkReply::readyRead, reply, [reply, sink] { *sink += reply->readAll(); });
        return reply;
    }
    QJsonObject deployment(const QString &name, const QString &image,
                           const QJsonObject &extraContainer = {}) const
    {
        QJsonObject c{{QStringLiteral("name"), QStringLiteral("app")}, {QStringLiteral("image"), image}};
        for (auto it = extraContainer.begin(); it != extraContainer.end(); ++it)
            c.insert(it.key(), it.value());
        const QJsonObject labels{{QStringLiteral("app"), name}};
        return {
            {QStringLiteral("apiVersion"), QStringLiteral("apps/v1")},
            {QStringLiteral("kind"), QStringLiteral("Deployment")},
            {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}}},
            {QStringLiteral("spec"),
             QJsonObject{
                 {QStringLiteral("replicas"), 1},
                 {QStringLiteral("selector"), QJsonObject{{QStringLiteral("matchLabels"), labels}}},
                 {QStringLiteral("template"),
                  QJsonObject{{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("labels"), labels}}},
                              {QStringLiteral("spec"),
                               QJsonObject{{QStringLiteral("containers"), QJsonArray{c}}}}}}}}};
    }
    QString applyPath(const QString &name) const
    {
        return QStringLiteral("/apis/apps/v1/namespaces/%1/deployments/%2?fieldManager=reporunner&force=true")
            .arg(m_ns, name);
    }
    // A node's pause image, as the node lists it in status.images.
    QString pauseImage() const
    {
        const QJsonArray nodes =
            m_env.request("GET", QStringLiteral("/api/v1/nodes")).json()[QStringLiteral("items")].toArray();
        for (const QJsonValue &node : nodes)
            for (const QJsonValue &image : node[QStringLiteral("status")][QStringLiteral("images")].toArray())
                for (const QJsonValue &name : image[QStringLiteral("names")].toArray())
                    if (name.toString().contains(QLatin1String("/pause:")))
                        return name.toString();
        return {};
    }

    // The waiting state of the first container of the pod created for deployment `app`.
    QJsonObject podContainerStatus(const QString &app) const
    {
        const auto list = m_env.request("GET", nsPath(QStringLiteral("pods?labelSelector=app%3D") + app));
        const QJsonArray items = list.json().value(QStringLiteral("items")).toArray();
        if (items.isEmpty())
            return {};
        return items.first()[QStringLiteral("status")][QStringLiteral("containerStatuses")][0].toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start(&error), qPrintable(error));
        m_ns = QStringLiteral("rr-rest-%1").arg(QCoreApplication::applicationPid());
        createNamespace(m_ns);
    }

    void statusBodies()
    {
        const QByteArray cm =
            json({{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("cfg")}}},
                  {QStringLiteral("data"), QJsonObject{{QStringLiteral("k"), QStringLiteral("v")}}}});
        QCOMPARE(post(nsPath(QStringLiteral("configmaps")), cm).code, 201);
        const auto dup = post(nsPath(QStringLiteral("configmaps")), cm);
        QCOMPARE(dup.code, 409);
        QCOMPARE(dup.json()[QStringLiteral("reason")].toString(), QStringLiteral("AlreadyExists"));
        QCOMPARE(dup.json()[QStringLiteral("message")].toString(),
                 QStringLiteral("configmaps \"cfg\" already exists"));

        const auto badName =
            post(nsPath(QStringLiteral("services")),
                 json({{QStringLiteral("metadata"),
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("My_svc")}}},
                       {QStringLiteral("spec"),
                        QJsonObject{{QStringLiteral("ports"),
                                     QJsonArray{QJsonObject{{QStringLiteral("port"), 80}}}}}}}));
        QCOMPARE(badName.code, 422);
        const QJsonObject s = badName.json();
        QCOMPARE(s[QStringLiteral("reason")].toString(), QStringLiteral("Invalid"));
        QVERIFY(s[QStringLiteral("message")].toString().startsWith(QStringLiteral(
            "Service \"My_svc\" is invalid: metadata.name: Invalid value: \"My_svc\": a DNS-1035 label")));
        const QJsonObject cause = s[QStringLiteral("details")][QStringLiteral("causes")][0].toObject();
        QCOMPARE(cause[QStringLiteral("reason")].toString(), QStringLiteral("FieldValueInvalid"));
        QCOMPARE(cause[QStringLiteral("field")].toString(), QStringLiteral("metadata.name"));

        const auto strict = post(
            nsPath(QStringLiteral("configmaps?fieldValidation=Strict")),
            json({{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}}},
                  {QStringLiteral("datum"), QJsonObject()}}));
        QCOMPARE(strict.code, 400);
        QVERIFY2(strict.json()[QStringLiteral("message")].toString().endsWith(
                     QStringLiteral("strict decoding error: unknown field \"datum\"")),
                 strict.body.constData());

        QJsonObject bad = deployment(QStringLiteral("typo"), QStringLiteral("busybox:1"));
        QJsonObject spec = bad[QStringLiteral("spec")].toObject();
        spec.insert(QStringLiteral("foo"), 1);
        bad.insert(QStringLiteral("spec"), spec);
        const auto applied = m_env.request("PATCH", applyPath(QStringLiteral("typo")), json(bad),
                                           "application/apply-patch+yaml");
        // What a real API server answers (kube-apiserver 1.33): the typed patch cannot be built.
        QCOMPARE(applied.code, 500);
        QVERIFY(!applied.json().contains(QStringLiteral("reason")));
        QVERIFY2(applied.json()[QStringLiteral("message")].toString().endsWith(
                     QStringLiteral("Kind=Deployment): .spec.foo: field not declared in schema")),
                 applied.body.constData());
    }

    void applyCreatesThenUpdates()
    {
        // A real node needs an image it has: the pod sandbox's pause image, which every node holds.
        QString image = QStringLiteral("busybox:1.36");
        if (m_env.runsPods())
            image = pauseImage();
        QVERIFY2(!image.isEmpty(), "the node lists no pause image");
        const QJsonObject d = deployment(QStringLiteral("web"), image);
        QCOMPARE(
            m_env.request("PATCH", applyPath(QStringLiteral("web")), json(d), "application/apply-patch+yaml")
                .code,
            201);
        QCOMPARE(
            m_env.request("PATCH", applyPath(QStringLiteral("web")), json(d), "application/apply-patch+yaml")
                .code,
            200);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_env.request("GET", QStringLiteral("/apis/apps/v1/namespaces/%1/deployments/web").arg(m_ns))
                    .json()[QStringLiteral("status")][QStringLiteral("availableReplicas")]
                    .toInt() == 1,
            20000);
    }

    void watchBookmarksAndExpiry()
    {
        if (!m_env.isSimulated())
            QSKIP("needs the simulated server's bookmark interval (a real one sends bookmarks about once a "
                  "minute) and 410 injection; watchFromACompactedVersion covers the real 410");
        const auto list = m_env.request("GET", nsPath(QStringLiteral("configmaps")));
        const QString rv =
            list.json()[QStringLiteral("metadata")][QStringLiteral("resourceVersion")].toString();
        QVERIFY(!rv.isEmpty());
        QNetworkAccessManager nam;
        QByteArray events;
        QNetworkReply *w = stream(
            &nam, nsPath(QStringLiteral("configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=") + rv),
            &events);
        QCOMPARE(post(nsPath(QStringLiteral("configmaps")),
                      json({{QStringLiteral("metadata"),
                             QJsonObject{{QStringLiteral("name"), QStringLiteral("late")}}}}))
                     .code,
                 201);
        QTRY_VERIFY_WITH_TIMEOUT(events.contains("\"BOOKMARK\""), 10000);
        const QList<QByteArray> lines = events.split('\n');
        QCOMPARE(parse(lines.first())[QStringLiteral("type")].toString(), QStringLiteral("ADDED"));
        QCOMPARE(
            parse(lines.first())[QStringLiteral("object")][QStringLiteral("metadata")][QStringLiteral("name")]
                .toString(),
            QStringLiteral("late"));
        w->abort();

        QVERIFY(
            m_env.control(QStringLiteral("expire-watches"),
                          {{QStringLiteral("count"), 1}, {QStringLiteral("mode"), QStringLiteral("event")}}));
        QByteArray expired;
        QNetworkReply *e =
            stream(&nam, nsPath(QStringLiteral("configmaps?watch=1&resourceVersion=") + rv), &expired);
        QTRY_VERIFY_WITH_TIMEOUT(e->isFinished(), 10000);
        QCOMPARE(e->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject ev = parse(expired.trimmed());
        QCOMPARE(ev[QStringLiteral("type")].toString(), QStringLiteral("ERROR"));
        QCOMPARE(ev[QStringLiteral("object")][QStringLiteral("code")].toInt(), 410);
        QCOMPARE(ev[QStringLiteral("object")][QStringLiteral("reason")].toString(),
                 QStringLiteral("Expired"));

        QVERIFY(
            m_env.control(QStringLiteral("expire-watches"),
                          {{QStringLiteral("count"), 1}, {QStringLiteral("mode"), QStringLiteral("http")}}));
        const auto plain =
            m_env.request("GET", nsPath(QStringLiteral("configmaps?watch=1&resourceVersion=") + rv));
        QCOMPARE(plain.code, 410);
        QCOMPARE(plain.json()[QStringLiteral("reason")].toString(), QStringLiteral("Expired"));
    }

    // A watch from a version etcd has compacted away: resourceVersion 1 is older than anything a
    // cluster that has run for a moment keeps. Either 410 form is what clients must handle.
    void watchFromACompactedVersion()
    {
        if (m_env.isSimulated())
            QVERIFY(m_env.control(
                QStringLiteral("expire-watches"),
                {{QStringLiteral("count"), 1}, {QStringLiteral("mode"), QStringLiteral("event")}}));
        QNetworkAccessManager nam;
        QByteArray expired;
        QNetworkReply *e =
            stream(&nam, nsPath(QStringLiteral("configmaps?watch=1&resourceVersion=1")), &expired);
        QTRY_VERIFY_WITH_TIMEOUT(e->isFinished(), 20000);
        const int code = e->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject status =
            code == 200 ? parse(expired.trimmed())[QStringLiteral("object")].toObject() : parse(expired);
        if (code == 200)
            QCOMPARE(parse(expired.trimmed())[QStringLiteral("type")].toString(), QStringLiteral("ERROR"));
        else
            QCOMPARE(code, 410);
        QCOMPARE(status[QStringLiteral("code")].toInt(), 410);
        QCOMPARE(status[QStringLiteral("reason")].toString(), QStringLiteral("Expired"));
    }

    // The port-forward upgrade of a running pod: a client that accepts only JSON is refused with a
    // plain-text 406 (what a real kubelet answers), one that accepts anything gets 101 and v4.
    void portForwardUpgradeNegotiation()
    {
        if (!m_env.isSimulated() && !m_env.runsPods())
            QSKIP("kwok fakes the pods: no kubelet answers a port-forward");
        QString ns = m_ns, pod;
        if (m_env.isSimulated()) {
            QCOMPARE(post(nsPath(QStringLiteral("pods")),
                          json({{QStringLiteral("metadata"),
                                 QJsonObject{{QStringLiteral("name"), QStringLiteral("pf")}}},
                                {QStringLiteral("spec"),
                                 QJsonObject{{QStringLiteral("containers"),
                                              QJsonArray{QJsonObject{
                                                  {QStringLiteral("name"), QStringLiteral("c")},
                                                  {QStringLiteral("image"), QStringLiteral("rr/pf:1")}}}}}}}))
                         .code,
                     201);
            pod = QStringLiteral("pf");
        } else {
            ns = QStringLiteral("kube-system"); // CoreDNS is the one pod every cluster runs
            const auto dns = m_env.request(
                "GET",
                QStringLiteral("/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns"));
            pod = dns.json()[QStringLiteral("items")][0][QStringLiteral("metadata")][QStringLiteral("name")]
                      .toString();
            QVERIFY2(!pod.isEmpty(), dns.body.constData());
        }
        const QString path = QStringLiteral("/api/v1/namespaces/%1/pods/%2").arg(ns, pod);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_env.request("GET", path).json()[QStringLiteral("status")][QStringLiteral("phase")].toString() ==
                QLatin1String("Running"),
            20000);
        const auto upgrade = [&](const QByteArray &accept) -> QByteArray {
            QSslSocket s;
            s.setSslConfiguration(m_env.tls());
            const QUrl server(m_env.server());
            s.connectToHostEncrypted(server.host(), quint16(server.port()));
            if (!s.waitForEncrypted(10000))
                return QByteArray("TLS failed: ") + s.errorString().toUtf8();
            s.write(
                "GET " + path.toUtf8() +
                "/portforward?ports=53 HTTP/1.1\r\nHost: " + server.authority().toUtf8() +
                "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n"
                "Accept: " +
                accept + "\r\n\r\n");
            QByteArray head;
            while (!head.contains("\r\n\r\n") && s.waitForReadyRead(10000))
                head += s.readAll();
            return head;
        };
        const QByteArray refused = upgrade("application/json");
        QVERIFY2(refused.startsWith("HTTP/1.1 406 ") &&
                     refused.toLower().contains("content-type: text/plain"),
                 refused.constData());
        const QByteArray accepted = upgrade("*/*");
        QVERIFY2(accepted.startsWith("HTTP/1.1 101 ") &&
                     accepted.contains("Sec-WebSocket-Protocol: v4.channel.k8s.io"),
                 accepted.constData());
    }

    void scriptedPodFailures()
    {
        if (!m_env.isSimulated())
            QSKIP("relies on the simulator's image-name conventions");
        const QJsonObject never{{QStringLiteral("imagePullPolicy"), QStringLiteral("Never")}};
        const struct
        {
            const char *name;
            const char *image;
            QJsonObject extra;
        } cases[] = {
            {"neverpull", "rr-local/app:1", never},
            {"crash", "rr-local/crashloop:1", {}},
            {"oom", "rr-local/oomkill:1", {}},
            {"cfgerr",
             "busybox:1.36",
             {{QStringLiteral("envFrom"),
               QJsonArray{QJsonObject{{QStringLiteral("configMapRef"),
                                       QJsonObject{{QStringLiteral("name"), QStringLiteral("absent")}}}}}}}}};
        for (const auto &c : cases) {
            const QJsonObject d =
                deployment(QString::fromLatin1(c.name), QString::fromLatin1(c.image), c.extra);
            QCOMPARE(m_env
                         .request("PATCH", applyPath(QString::fromLatin1(c.name)), json(d),
                                  "application/apply-patch+yaml")
                         .code,
                     201);
        }
        QTRY_COMPARE_WITH_TIMEOUT(
            podContainerStatus(QStringLiteral(
                "neverpull"))[QStringLiteral("state")][QStringLiteral("waiting")][QStringLiteral("reason")]
                .toString(),
            QStringLiteral("ErrImageNeverPull"), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(
            podContainerStatus(QStringLiteral(
                "cfgerr"))[QStringLiteral("state")][QStringLiteral("waiting")][QStringLiteral("message")]
                .toString(),
            QStringLiteral("configmap \"absent\" not found"), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(
            podContainerStatus(QStringLiteral(
                "crash"))[QStringLiteral("state")][QStringLiteral("waiting")][QStringLiteral("reason")]
                .toString(),
            QStringLiteral("CrashLoopBackOff"), 15000);
        const QJsonObject crash = podContainerStatus(QStringLiteral("crash"));
        QCOMPARE(crash[QStringLiteral("lastState")][QStringLiteral("terminated")][QStringLiteral("exitCode")]
                     .toInt(),
                 1);
        QVERIFY(crash[QStringLiteral("restartCount")].toInt() >= 1);
        QTRY_COMPARE_WITH_TIMEOUT(
            podContainerStatus(QStringLiteral(
                "oom"))[QStringLiteral("lastState")][QStringLiteral("terminated")][QStringLiteral("reason")]
                .toString(),
            QStringLiteral("OOMKilled"), 15000);
        // Delivering the image lets the ErrImageNeverPull pod start.
        QVERIFY(m_env.control(QStringLiteral("images"),
                              {{QStringLiteral("image"), QStringLiteral("rr-local/app:1")}}));
        QTRY_VERIFY_WITH_TIMEOUT(
            podContainerStatus(QStringLiteral("neverpull"))[QStringLiteral("ready")].toBool(), 15000);
    }

    void podSecurityRejectionSurfacesOnDeployment()
    {
        const QString ns = m_ns + QStringLiteral("-psa");
        createNamespace(
            ns, {{QStringLiteral("pod-security.kubernetes.io/enforce"), QStringLiteral("restricted")}});
        const QString saved = m_ns;
        m_ns = ns;
        QCOMPARE(m_env
                     .request("PATCH", applyPath(QStringLiteral("root")),
                              json(deployment(QStringLiteral("root"), QStringLiteral("busybox:1.36"))),
                              "application/apply-patch+yaml")
                     .code,
                 201);
        const QString path = QStringLiteral("/apis/apps/v1/namespaces/%1/deployments/root").arg(ns);
        auto failure = [&] {
            for (const QJsonValue &c : m_env.request("GET", path)
                                           .json()[QStringLiteral("status")][QStringLiteral("conditions")]
                                           .toArray()) {
                if (c[QStringLiteral("type")].toString() == QLatin1String("ReplicaFailure"))
                    return c.toObject();
            }
            return QJsonObject();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!failure().isEmpty(), 20000);
        QCOMPARE(failure()[QStringLiteral("reason")].toString(), QStringLiteral("FailedCreate"));
        QVERIFY(failure()[QStringLiteral("message")].toString().contains(
            QStringLiteral("violates PodSecurity \"restricted:latest\"")));
        bool event = false;
        for (const QJsonValue &e :
             m_env.request("GET", nsPath(QStringLiteral("events"))).json()[QStringLiteral("items")].toArray())
            event = event || (e[QStringLiteral("reason")].toString() == QLatin1String("FailedCreate") &&
                              e[QStringLiteral("involvedObject")][QStringLiteral("kind")].toString() ==
                                  QLatin1String("ReplicaSet") &&
                              e[QStringLiteral("type")].toString() == QLatin1String("Warning"));
        QVERIFY(event);
        m_ns = saved;
    }

    void namespaceTermination()
    {
        const QString ns = m_ns + QStringLiteral("-gone");
        createNamespace(ns);
        const auto del = m_env.request("DELETE", QStringLiteral("/api/v1/namespaces/") + ns);
        QCOMPARE(del.code, 200);
        QCOMPARE(del.json()[QStringLiteral("status")][QStringLiteral("phase")].toString(),
                 QStringLiteral("Terminating"));
        QCOMPARE(del.json()[QStringLiteral("spec")][QStringLiteral("finalizers")][0].toString(),
                 QStringLiteral("kubernetes"));
        if (m_env.isSimulated()) { // a real cluster may already have finished
            const auto again = m_env.request("DELETE", QStringLiteral("/api/v1/namespaces/") + ns);
            QCOMPARE(again.code, 409);
            QCOMPARE(again.json()[QStringLiteral("reason")].toString(), QStringLiteral("Conflict"));
            const auto inside = post(QStringLiteral("/api/v1/namespaces/%1/configmaps").arg(ns),
                                     json({{QStringLiteral("metadata"),
                                            QJsonObject{{QStringLiteral("name"), QStringLiteral("c")}}}}));
            QCOMPARE(inside.code, 403);
            QCOMPARE(inside.json()[QStringLiteral("message")].toString(),
                     QStringLiteral("configmaps \"c\" is forbidden: unable to create new content in "
                                    "namespace %1 because it is being terminated")
                         .arg(ns));
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_env.request("GET", QStringLiteral("/api/v1/namespaces/") + ns).code, 404,
                                  30000);
    }

    void cleanupTestCase()
    {
        m_env.request("DELETE", QStringLiteral("/api/v1/namespaces/") + m_ns);
        m_env.request("DELETE", QStringLiteral("/api/v1/namespaces/") + m_ns + QStringLiteral("-psa"));
    }
};

QTEST_GUILESS_MAIN(TestKubeapiRest)
#include "test_kubeapi_rest.moc"
