#include "plan/naming.h"

#include "core/names.h"

#include <QCryptographicHash>
#include <QRegularExpression>

namespace rr::plan {

using core::names::toDnsLabel;

QString Naming::namespaceName(const QString &owner, const QString &repo, const QString &runId)
{
    const QString id = toDnsLabel(runId.isEmpty() ? QStringLiteral("run") : runId, 20);
    QStringList parts{QStringLiteral("rr")};
    if (!owner.isEmpty())
        parts << owner;
    if (!repo.isEmpty())
        parts << repo;
    const QString prefix =
        toDnsLabel(parts.join(QLatin1Char('-')), core::names::MaxLabelLength - 1 - id.size());
    return prefix + QLatin1Char('-') + id;
}

QMap<QString, QString> Naming::dnsNames(const QStringList &serviceNames)
{
    QMap<QString, QString> out;
    QStringList taken;
    for (const QString &name : serviceNames) {
        QString dns = core::names::isDns1035Label(name) ? name : toDnsLabel(name);
        // "Web" and "web" both become "web": keep them apart.
        for (int n = 2; taken.contains(dns); ++n)
            dns = toDnsLabel(name, core::names::MaxLabelLength - 4) + QLatin1Char('-') + QString::number(n);
        taken.append(dns);
        out.insert(name, dns);
    }
    return out;
}

QString Naming::imageRepository(const QString &owner, const QString &repo, const QString &service)
{
    QStringList parts;
    for (const QString &p : {owner, repo, service})
        if (!p.isEmpty())
            parts << p;
    return QStringLiteral("reporunner/") + toDnsLabel(parts.join(QLatin1Char('-')), 120);
}

QString Naming::contextHash(const PlanBuild &build)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    auto add = [&h](const QString &s) {
        h.addData(s.toUtf8());
        h.addData(QByteArrayView("\0", 1));
    };
    add(build.contextDir);
    add(build.dockerfile);
    add(build.dockerfileInline);
    for (auto it = build.args.cbegin(); it != build.args.cend(); ++it) {
        add(it.key());
        add(it.value());
    }
    add(build.target);
    return QString::fromLatin1(h.result().toHex().left(8));
}

QString Naming::imageTag(const QString &commit, const QString &contextHash)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]+$"));
    // Local folders have no commit; the builder refines the hash from the context content.
    const QString c = commit.isEmpty() || !hex.match(commit).hasMatch() ? QStringLiteral("local")
                                                                        : commit.left(12).toLower();
    return c + QLatin1Char('-') + contextHash;
}

QString Naming::dataKey(const QString &relativePath, QStringList &taken)
{
    QString key;
    for (const QChar c : relativePath) {
        const bool ok = c.isLetterOrNumber() && c.unicode() < 128;
        if (ok || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.'))
            key += c;
        else if (c == QLatin1Char('/'))
            key += QStringLiteral("__");
        else
            key += QLatin1Char('_');
    }
    while (key.startsWith(QLatin1Char('.')))
        key.replace(0, 1, QLatin1Char('_'));
    if (key.isEmpty())
        key = QStringLiteral("file");
    key = key.left(200);
    const QString base = key;
    for (int n = 2; taken.contains(key); ++n)
        key = base + QLatin1Char('-') + QString::number(n);
    taken.append(key);
    return key;
}

QString Naming::portName(int port, const QString &protocol)
{
    return protocol.toLower() + QLatin1Char('-') + QString::number(port);
}

bool Naming::isIanaServiceName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"));
    static const QRegularExpression letter(QStringLiteral("[a-z]"));
    return name.size() <= 15 && re.match(name).hasMatch() && letter.match(name).hasMatch() &&
           !name.contains(QStringLiteral("--"));
}

} // namespace rr::plan
