#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

class QSettings;

namespace rr::kube {

class Kubeconfig;

// Which kube contexts the engine may deploy untrusted code into (issue 11, "only chosen
// clusters"): `kind-reporunner` (the cluster it creates itself), the context the user named
// (REPORUNNER_KUBE_CONTEXT, else the `kube/context` setting), and contexts on the explicit
// allow-list (the `kube/allowedContexts` setting). Where a context's server is does not count:
// a loopback address may be a tunnel to a remote cluster.
class ContextPolicy final
{
public:
    static constexpr const char *EnvironmentVariable = "REPORUNNER_KUBE_CONTEXT";
    static constexpr const char *OwnContext = "kind-reporunner";

    ContextPolicy() = default;
    ContextPolicy(QString named, QStringList allowList);

    // REPORUNNER_KUBE_CONTEXT, then the user's settings (QSettings "reporunner"/"reporunner",
    // keys kube/context and kube/allowedContexts).
    static ContextPolicy fromEnvironmentAndSettings();
    // The same from another settings file (the tray's settings page, tests).
    static ContextPolicy fromEnvironmentAndSettings(const QSettings &settings);
    static constexpr const char *ContextKey = "kube/context";
    static constexpr const char *AllowListKey = "kube/allowedContexts";

    QString named() const { return m_named; }
    QStringList allowList() const { return m_allowList; }
    // Every name this policy allows, for KubeOptions::allowedContexts.
    QStringList allowedNames() const;

    bool allows(const QString &context) const;
    // Why `context` is allowed or not, for settings views and errors.
    QString reason(const QString &context) const;
    // The context to use from `config`: the named one (even when absent, so its absence is
    // reported), else kind-reporunner when present, else the current context when allowed;
    // empty when none qualifies.
    QString choose(const Kubeconfig &config) const;
    // Refuses a context the policy does not allow.
    core::Result<void> check(const QString &context) const;

private:
    QString m_named;
    QStringList m_allowList;
};

} // namespace rr::kube
