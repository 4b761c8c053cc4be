#include "kube/kubeclient.h"

#include "core/logging.h"
#include "core/promises.h"
#include "kube/execcredentials.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslKey>
#include <QUrl>

#include <memory>

namespace rr::kube {

using core::ErrorCategory;

namespace {

QSslKey parseKey(const QByteArray &pem)
{
    QSslKey key(pem, QSsl::Rsa);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec);
    return key;
}

// The StatusReason a Status without one stands for, by its HTTP code (apimachinery's names).
QString reasonForCode(int code)
{
    switch (code) {
    case 400:
        return QStringLiteral("BadRequest");
    case 401:
        return QStringLiteral("Unauthorized");
    case 403:
        return QStringLiteral("Forbidden");
    case 404:
        return QStringLiteral("NotFound");
    case 409:
        return QStringLiteral("Conflict");
    case 410:
        return QStringLiteral("Expired");
    case 422:
        return QStringLiteral("Invalid");
    case 429:
        return QStringLiteral("TooManyRequests");
    case 500:
        return QStringLiteral("InternalError");
    case 503:
        return QStringLiteral("ServiceUnavailable");
    case 504:
        return QStringLiteral("Timeout");
    default:
        return QStringLiteral("Unknown");
    }
}

} // namespace

QJsonObject KubeReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

KubeClient::KubeClient(QNetworkAccessManager *nam, KubeContext context, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_context(std::move(context))
{
    m_ssl = QSslConfiguration::defaultConfiguration();
    if (!m_context.caPem.isEmpty())
        m_ssl.setCaCertificates(QSslCertificate::fromData(m_context.caPem, QSsl::Pem));
    if (m_context.insecureSkipTlsVerify)
        m_ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    applyCredential(m_context.clientCertPem, m_context.clientKeyPem);
    if (m_context.exec)
        m_exec = new ExecCredentials(*m_context.exec, this);
}

KubeClient::~KubeClient() = default;

void KubeClient::applyCredential(const QByteArray &certPem, const QByteArray &keyPem)
{
    if (certPem.isEmpty() || keyPem.isEmpty())
        return;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
    if (!chain.isEmpty())
        m_ssl.setLocalCertificateChain(chain);
    m_ssl.setPrivateKey(parseKey(keyPem));
}

QUrl KubeClient::url(const QString &pathAndQuery) const
{
    QString base = m_context.server;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return QUrl(base + pathAndQuery, QUrl::StrictMode);
}

void KubeClient::prepare(const QString &pathAndQuery, QObject *receiver, RequestCallback done)
{
    const auto build = [this, pathAndQuery](const QString &token) {
        QNetworkRequest req(url(pathAndQuery));
        req.setSslConfiguration(m_ssl);
        if (!m_context.tlsServerName.isEmpty())
            req.setPeerVerifyName(m_context.tlsServerName);
        req.setRawHeader("Accept", "application/json");
        req.setRawHeader("User-Agent", "reporunner");
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        else if (!m_context.username.isEmpty())
            req.setRawHeader(
                "Authorization",
                "Basic " + (m_context.username + QLatin1Char(':') + m_context.password).toUtf8().toBase64());
        return req;
    };
    if (!m_exec) {
        done(build(m_context.token));
        return;
    }
    QPointer<QObject> guard(receiver);
    m_exec->fetch([this, guard, build, done](const core::Result<ExecCredential> &cred) {
        if (!guard)
            return;
        if (!cred) {
            done(core::fail(cred.error()));
            return;
        }
        applyCredential(cred->clientCertPem, cred->clientKeyPem);
        done(build(cred->token.isEmpty() ? m_context.token : cred->token));
    });
}

void KubeClient::send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                      const QByteArray &contentType, QObject *receiver, ReplyCallback done)
{
    QPointer<QObject> guard(receiver);
    prepare(pathAndQuery, this,
            [this, method, body, contentType, guard, done](const core::Result<QNetworkRequest> &req) {
                if (!guard)
                    return;
                if (!req) {
                    done(core::fail(req.error()));
                    return;
                }
                QNetworkRequest r = *req;
                if (!body.isEmpty() || !contentType.isEmpty())
                    r.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
                QNetworkReply *reply = m_nam->sendCustomRequest(r, method, body);
                connect(reply, &QNetworkReply::finished, this, [this, reply, guard, done] {
                    reply->deleteLater();
                    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                    const QByteArray data = reply->readAll();
                    if (!guard)
                        return;
                    if (status == 401 && m_exec)
                        m_exec->invalidate();
                    if (status < 200 || status >= 300) {
                        done(core::fail(statusError(status, data, reply->errorString())));
                        return;
                    }
                    done(KubeReply{status, data});
                });
            });
}

QNetworkReply *KubeClient::openStream(const QNetworkRequest &request)
{
    auto *nam = new QNetworkAccessManager;
    QNetworkReply *reply = nam->get(request);
    reply->setParent(nullptr);
    nam->setParent(reply);
    return reply;
}

QFuture<core::Result<QJsonObject>> KubeClient::get(const QString &pathAndQuery)
{
    auto promise = core::promises::started<core::Result<QJsonObject>>();
    send("GET", pathAndQuery, {}, {}, this, [promise](const core::Result<KubeReply> &r) {
        core::promises::settle(promise, r ? core::Result<QJsonObject>(r->json())
                                          : core::Result<QJsonObject>(core::fail(r.error())));
    });
    return promise->future();
}

QFuture<core::Result<QJsonObject>> KubeClient::create(const QString &collection, const QJsonObject &object)
{
    auto promise = core::promises::started<core::Result<QJsonObject>>();
    send("POST", collection, QJsonDocument(object).toJson(QJsonDocument::Compact), "application/json", this,
         [promise](const core::Result<KubeReply> &r) {
             core::promises::settle(promise, r ? core::Result<QJsonObject>(r->json())
                                               : core::Result<QJsonObject>(core::fail(r.error())));
         });
    return promise->future();
}

void KubeClient::apply(const QJsonObject &object, QObject *receiver, ReplyCallback done)
{
    const QString path = objectPath(object);
    if (path.isEmpty()) {
        done(core::fail(ErrorCategory::Internal, QStringLiteral("kube.kind.unknown"),
                        QStringLiteral("Cannot apply an object of kind %1.")
                            .arg(object.value(QStringLiteral("kind")).toString())));
        return;
    }
    send("PATCH", path + QStringLiteral("?fieldManager=reporunner&force=true&fieldValidation=Strict"),
         QJsonDocument(object).toJson(QJsonDocument::Compact), "application/apply-patch+yaml", receiver,
         std::move(done));
}

QFuture<core::Result<QJsonObject>> KubeClient::apply(const QJsonObject &object)
{
    auto promise = core::promises::started<core::Result<QJsonObject>>();
    apply(object, this, [promise](const core::Result<KubeReply> &r) {
        core::promises::settle(promise, r ? core::Result<QJsonObject>(r->json())
                                          : core::Result<QJsonObject>(core::fail(r.error())));
    });
    return promise->future();
}

QFuture<core::Result<QJsonObject>> KubeClient::remove(const QString &path)
{
    auto promise = core::promises::started<core::Result<QJsonObject>>();
    send("DELETE", path, {}, {}, this, [promise](const core::Result<KubeReply> &r) {
        core::promises::settle(promise, r ? core::Result<QJsonObject>(r->json())
                                          : core::Result<QJsonObject>(core::fail(r.error())));
    });
    return promise->future();
}

QFuture<core::Result<QByteArray>> KubeClient::getText(const QString &pathAndQuery)
{
    auto promise = core::promises::started<core::Result<QByteArray>>();
    send("GET", pathAndQuery, {}, {}, this, [promise](const core::Result<KubeReply> &r) {
        core::promises::settle(promise, r ? core::Result<QByteArray>(r->body)
                                          : core::Result<QByteArray>(core::fail(r.error())));
    });
    return promise->future();
}

QString KubeClient::collectionPath(const QString &apiVersion, const QString &kind,
                                   const QString &namespaceName)
{
    static const QMap<QString, QString> plurals{
        {QStringLiteral("Namespace"), QStringLiteral("namespaces")},
        {QStringLiteral("ConfigMap"), QStringLiteral("configmaps")},
        {QStringLiteral("Secret"), QStringLiteral("secrets")},
        {QStringLiteral("Service"), QStringLiteral("services")},
        {QStringLiteral("ServiceAccount"), QStringLiteral("serviceaccounts")},
        {QStringLiteral("ResourceQuota"), QStringLiteral("resourcequotas")},
        {QStringLiteral("LimitRange"), QStringLiteral("limitranges")},
        {QStringLiteral("Pod"), QStringLiteral("pods")},
        {QStringLiteral("Event"), QStringLiteral("events")},
        {QStringLiteral("Deployment"), QStringLiteral("deployments")},
        {QStringLiteral("ReplicaSet"), QStringLiteral("replicasets")},
        {QStringLiteral("Job"), QStringLiteral("jobs")},
        {QStringLiteral("NetworkPolicy"), QStringLiteral("networkpolicies")},
        {QStringLiteral("PersistentVolumeClaim"), QStringLiteral("persistentvolumeclaims")},
    };
    const QString plural = plurals.value(kind);
    if (plural.isEmpty() || apiVersion.isEmpty())
        return {};
    const QString prefix = apiVersion.contains(QLatin1Char('/')) ? QStringLiteral("/apis/") + apiVersion
                                                                 : QStringLiteral("/api/") + apiVersion;
    if (kind == QLatin1String("Namespace"))
        return prefix + QStringLiteral("/namespaces");
    return prefix + QStringLiteral("/namespaces/") + namespaceName + QLatin1Char('/') + plural;
}

QString KubeClient::objectPath(const QJsonObject &object)
{
    const QJsonObject meta = object.value(QStringLiteral("metadata")).toObject();
    const QString collection = collectionPath(object.value(QStringLiteral("apiVersion")).toString(),
                                              object.value(QStringLiteral("kind")).toString(),
                                              meta.value(QStringLiteral("namespace")).toString());
    const QString name = meta.value(QStringLiteral("name")).toString();
    if (collection.isEmpty() || name.isEmpty())
        return {};
    return collection + QLatin1Char('/') + name;
}

core::Error KubeClient::statusError(int httpStatus, const QByteArray &body, const QString &transportError)
{
    const QJsonObject status = QJsonDocument::fromJson(body).object();
    if (status.value(QStringLiteral("kind")).toString() == QLatin1String("Status")) {
        QString reason = status.value(QStringLiteral("reason")).toString();
        if (reason.isEmpty()) // e.g. a server-side apply the server could not type: 500, no reason
            reason = reasonForCode(status.value(QStringLiteral("code")).toInt(httpStatus));
        reason[0] = reason[0].toLower();
        core::Error e = core::makeError(ErrorCategory::Kube, QStringLiteral("kube.") + reason,
                                        status.value(QStringLiteral("message")).toString());
        QStringList causes;
        const QJsonObject details = status.value(QStringLiteral("details")).toObject();
        for (const QJsonValue &c : details.value(QStringLiteral("causes")).toArray()) {
            const QJsonObject cause = c.toObject();
            causes << cause.value(QStringLiteral("field")).toString() + QStringLiteral(": ") +
                          cause.value(QStringLiteral("message")).toString();
        }
        e.details = causes.join(QLatin1Char('\n'));
        return e;
    }
    if (httpStatus == 0)
        return core::makeError(
            ErrorCategory::Kube, QStringLiteral("kube.unreachable"),
            QStringLiteral("The Kubernetes API server cannot be reached: %1").arg(transportError));
    const QString text = QString::fromUtf8(body.left(300)).trimmed();
    return core::makeError(ErrorCategory::Kube, QStringLiteral("kube.http%1").arg(httpStatus),
                           QStringLiteral("The Kubernetes API answered HTTP %1%2")
                               .arg(httpStatus)
                               .arg(text.isEmpty() ? QString() : QStringLiteral(": ") + text));
}

} // namespace rr::kube
