#pragma once

#include "core/result.h"
#include "kube/kubecontext.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QProcess>

#include <functional>

namespace rr::kube {

// What an exec plugin returned: a bearer token or a client certificate, valid until expiry.
struct ExecCredential
{
    QString token;
    QByteArray clientCertPem;
    QByteArray clientKeyPem;
    QDateTime expiry; // invalid = does not expire
};

// Runs a kubeconfig exec plugin asynchronously and caches its credential until it expires.
class ExecCredentials final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExecCredentials)
public:
    using Callback = std::function<void(const core::Result<ExecCredential> &)>;

    explicit ExecCredentials(ExecConfig config, QObject *parent = nullptr);
    ~ExecCredentials() override;

    // Calls back with the cached credential, or runs the plugin (callers waiting meanwhile
    // share the one run).
    void fetch(Callback done);
    // Forgets the cached credential (after a 401).
    void invalidate() { m_cached.reset(); }
    int runs() const { return m_runs; }

    // Parses ExecCredential JSON (client.authentication.k8s.io/v1 or v1beta1).
    static core::Result<ExecCredential> parse(const QByteArray &json);

private:
    void finish(const core::Result<ExecCredential> &result);

    ExecConfig m_config;
    std::optional<ExecCredential> m_cached;
    QPointer<QProcess> m_process;
    QList<Callback> m_waiting;
    int m_runs = 0;
};

} // namespace rr::kube
