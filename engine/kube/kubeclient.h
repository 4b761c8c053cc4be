#pragma once

#include "core/result.h"
#include "kube/kubecontext.h"

#include <QByteArray>
#include <QFuture>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QObject>
#include <QSslConfiguration>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace rr::kube {

class ExecCredentials;

struct KubeReply
{
    int status = 0;
    QByteArray body;
    QJsonObject json() const;
};

// REST access to one cluster: TLS from the kubeconfig context, bearer tokens (static or from an
// exec plugin), Status bodies turned into errors. Callback methods are for the engine's own
// state machines; the QFuture ones for everyone else.
class KubeClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KubeClient)
public:
    using ReplyCallback = std::function<void(const core::Result<KubeReply> &)>;
    using RequestCallback = std::function<void(const core::Result<QNetworkRequest> &)>;

    KubeClient(QNetworkAccessManager *nam, KubeContext context, QObject *parent = nullptr);
    ~KubeClient() override;

    const KubeContext &context() const { return m_context; }
    QSslConfiguration sslConfiguration() const { return m_ssl; }
    QUrl url(const QString &pathAndQuery) const;

    // A request with TLS and auth headers; runs the exec plugin first when its credential expired.
    void prepare(const QString &pathAndQuery, QObject *receiver, RequestCallback done);
    // Any verb; non-2xx replies fail with the Status parsed (category Kube, code kube.<reason>).
    void send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
              const QByteArray &contentType, QObject *receiver, ReplyCallback done);
    // Long-lived GET (watch, follow) on a connection of its own: HTTP/1.1 allows only six per
    // host and pool, and streams would starve ordinary requests. The reply owns its connection.
    QNetworkReply *openStream(const QNetworkRequest &request);

    QFuture<core::Result<QJsonObject>> get(const QString &pathAndQuery);
    QFuture<core::Result<QJsonObject>> create(const QString &collection, const QJsonObject &object);
    // Server-side apply with our field manager, forced, strictly validated.
    QFuture<core::Result<QJsonObject>> apply(const QJsonObject &object);
    QFuture<core::Result<QJsonObject>> remove(const QString &path);
    QFuture<core::Result<QByteArray>> getText(const QString &pathAndQuery);

    void apply(const QJsonObject &object, QObject *receiver, ReplyCallback done);

    // REST paths for the kinds the engine uses; empty for unknown kinds.
    static QString collectionPath(const QString &apiVersion, const QString &kind,
                                  const QString &namespaceName);
    static QString objectPath(const QJsonObject &object);
    // A non-2xx reply as an error: the Status message when there is one.
    static core::Error statusError(int httpStatus, const QByteArray &body, const QString &transportError);

private:
    void applyCredential(const QByteArray &certPem, const QByteArray &keyPem);

    QNetworkAccessManager *m_nam;
    KubeContext m_context;
    QSslConfiguration m_ssl;
    ExecCredentials *m_exec = nullptr;
    QString m_execToken;
};

} // namespace rr::kube
