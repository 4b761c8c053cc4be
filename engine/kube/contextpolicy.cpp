#include "kube/contextpolicy.h"

#include "kube/kubeconfig.h"

#include <QSettings>

namespace rr::kube {

ContextPolicy::ContextPolicy(QString named, QStringList allowList)
    : m_named(std::move(named))
    , m_allowList(std::move(allowList))
{
    m_allowList.removeAll(QString());
}

ContextPolicy ContextPolicy::fromEnvironmentAndSettings()
{
    const QSettings settings(QStringLiteral("reporunner"), QStringLiteral("reporunner"));
    return fromEnvironmentAndSettings(settings);
}

ContextPolicy ContextPolicy::fromEnvironmentAndSettings(const QSettings &settings)
{
    QString named = qEnvironmentVariable(EnvironmentVariable).trimmed();
    if (named.isEmpty())
        named = settings.value(QLatin1String(ContextKey)).toString().trimmed();
    return ContextPolicy(named, settings.value(QLatin1String(AllowListKey)).toStringList());
}

QStringList ContextPolicy::allowedNames() const
{
    QStringList out{QString::fromLatin1(OwnContext)};
    if (!m_named.isEmpty())
        out << m_named;
    out << m_allowList;
    out.removeDuplicates();
    return out;
}

bool ContextPolicy::allows(const QString &context) const
{
    return !context.isEmpty() && allowedNames().contains(context);
}

QString ContextPolicy::reason(const QString &context) const
{
    if (context == QLatin1String(OwnContext))
        return QStringLiteral("allowed: RepoRunner's own kind cluster");
    if (!m_named.isEmpty() && context == m_named)
        return QStringLiteral("allowed: named by you (%1 or the kube/context setting)")
            .arg(QLatin1String(EnvironmentVariable));
    if (m_allowList.contains(context))
        return QStringLiteral("allowed: on the allow-list (kube/allowedContexts)");
    return QStringLiteral("not allowed: not named and not on the allow-list");
}

QString ContextPolicy::choose(const Kubeconfig &config) const
{
    if (!m_named.isEmpty())
        return m_named;
    const QStringList names = config.contextNames();
    if (names.contains(QLatin1String(OwnContext)))
        return QString::fromLatin1(OwnContext);
    return allows(config.currentContext()) ? config.currentContext() : QString();
}

core::Result<void> ContextPolicy::check(const QString &context) const
{
    if (allows(context))
        return {};
    return core::fail(core::ErrorCategory::Refused, QStringLiteral("kube.context.not_allowed"),
                      QStringLiteral("Context \"%1\" is not one RepoRunner may deploy into: name it in "
                                     "%2 or add it to the allowed contexts (kube/allowedContexts) to "
                                     "run repositories there.")
                          .arg(context.left(200), QLatin1String(EnvironmentVariable)));
}

} // namespace rr::kube
