#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace rr::kube {

// A client-go exec credential plugin from a kubeconfig user.
struct ExecConfig
{
    QString apiVersion;
    QString command;
    QStringList args;
    QList<QPair<QString, QString>> env;
    QString workingDir; // the kubeconfig's folder, so relative commands resolve like kubectl
};

// One kubeconfig context with everything resolved: files read, base64 decoded.
struct KubeContext
{
    QString name;
    QString server; // https://host:port
    QString namespaceName;
    QString tlsServerName;
    bool insecureSkipTlsVerify = false;
    QByteArray caPem;
    QByteArray clientCertPem;
    QByteArray clientKeyPem;
    QString token; // never logged
    QString username, password;
    std::optional<ExecConfig> exec;
};

} // namespace rr::kube
