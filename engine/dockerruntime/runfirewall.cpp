#include "dockerruntime/runfirewall.h"

#include "plan/blockedranges.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QRegularExpression>

namespace rr::dockerruntime {

namespace {

using core::ErrorCategory;

constexpr int LockWaitSeconds = 10;
constexpr int CommandTimeoutMs = 30000;
const QString ForwardParent = QStringLiteral("DOCKER-USER");
const QString InputParent = QStringLiteral("INPUT");

QString hex(const QString &text, int length)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex().left(length));
}

} // namespace

RunFirewall::RunFirewall(QString owner, QString runLabel)
    : m_owner(std::move(owner))
    , m_runLabel(std::move(runLabel))
    , m_hash(hex(m_owner + QLatin1Char('/') + m_runLabel, 12))
{}

QString RunFirewall::program()
{
    const QString configured = qEnvironmentVariable("REPORUNNER_IPTABLES");
    return configured.isEmpty() ? QStringLiteral("iptables") : configured;
}

QString RunFirewall::ownerHash(const QString &owner)
{
    return hex(owner, 8);
}

QString RunFirewall::comment(const QString &owner, const QString &runLabel)
{
    return QStringLiteral("reporunner engine=%1 run=%2").arg(owner, runLabel);
}

QString RunFirewall::bridge() const
{
    return QStringLiteral("rr-") + m_hash; // 15 characters: the kernel's limit
}

QString RunFirewall::forwardChain() const
{
    return QStringLiteral("RRF-%1-%2").arg(ownerHash(m_owner), m_hash);
}

QString RunFirewall::inputChain() const
{
    return QStringLiteral("RRI-%1-%2").arg(ownerHash(m_owner), m_hash);
}

RunFirewall::Output RunFirewall::iptables(const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QStringList all{QStringLiteral("-w"), QString::number(LockWaitSeconds)};
    all << args;
    p.start(program(), all);
    Output out;
    if (!p.waitForStarted(CommandTimeoutMs)) {
        out.text = QStringLiteral("%1 could not be started: %2").arg(program(), p.errorString());
        return out;
    }
    if (!p.waitForFinished(CommandTimeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
        out.text = QStringLiteral("%1 did not finish").arg(program());
        return out;
    }
    out.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    out.text = QString::fromLocal8Bit(p.readAll()).trimmed();
    return out;
}

core::Result<void> RunFirewall::must(const QStringList &args)
{
    const Output out = iptables(args);
    if (out.exitCode == 0)
        return {};
    core::Error e =
        core::makeError(ErrorCategory::Docker, QStringLiteral("docker.firewall"),
                        QStringLiteral("The run's network could not be isolated: `%1 %2` failed: %3")
                            .arg(program(), args.join(QLatin1Char(' ')), out.text));
    e.details =
        QStringLiteral("Docker runs need their iptables rules (and dockerd's DOCKER-USER chain). The "
                       "engine makes them itself as root; otherwise the package's firewall helper makes "
                       "them for members of the docker group: sudo systemctl enable --now "
                       "reporunner-firewall.socket. See docs/security.md.");
    return core::fail(e);
}

bool RunFirewall::installed()
{
    for (const auto &[parent, chain] :
         {std::pair{ForwardParent, forwardChain()}, std::pair{InputParent, inputChain()}})
        if (iptables({QStringLiteral("-C"), parent, QStringLiteral("-i"), bridge(), QStringLiteral("-m"),
                      QStringLiteral("comment"), QStringLiteral("--comment"), comment(m_owner, m_runLabel),
                      QStringLiteral("-j"), chain})
                .exitCode != 0)
            return false;
    return true;
}

core::Result<void> RunFirewall::install(const QString &bridge, bool offline)
{
    if (bridge == this->bridge() && installed())
        return {};
    if (auto gone = remove(); !gone)
        return gone;
    const QString f = forwardChain(), i = inputChain();
    for (const QString &chain : {f, i})
        if (auto made = must({QStringLiteral("-N"), chain}); !made)
            return made;
    // Forwarded from the run's bridge: to itself (bridge-nf) passes, other bridges never.
    QList<QStringList> rules{
        {QStringLiteral("-o"), bridge, QStringLiteral("-j"), QStringLiteral("RETURN")},
        {QStringLiteral("-o"), QStringLiteral("br-+"), QStringLiteral("-j"), QStringLiteral("DROP")},
        {QStringLiteral("-o"), QStringLiteral("rr-+"), QStringLiteral("-j"), QStringLiteral("DROP")},
        {QStringLiteral("-o"), QStringLiteral("docker0"), QStringLiteral("-j"), QStringLiteral("DROP")},
    };
    if (offline)
        rules.append({QStringLiteral("-j"), QStringLiteral("DROP")});
    else
        for (const QString &cidr : plan::BlockedRanges::ipv4())
            rules.append({QStringLiteral("-d"), cidr, QStringLiteral("-j"), QStringLiteral("DROP")});
    for (const QStringList &rule : std::as_const(rules))
        if (auto added = must(QStringList{QStringLiteral("-A"), f} + rule); !added)
            return added;
    // To the host: only replies to what the host opened (docker-proxy reaching a preview).
    const QList<QStringList> inputRules{
        {QStringLiteral("-m"), QStringLiteral("conntrack"), QStringLiteral("--ctstate"),
         QStringLiteral("ESTABLISHED,RELATED"), QStringLiteral("-j"), QStringLiteral("RETURN")},
        {QStringLiteral("-j"), QStringLiteral("DROP")},
    };
    for (const QStringList &rule : inputRules)
        if (auto added = must(QStringList{QStringLiteral("-A"), i} + rule); !added)
            return added;
    for (const auto &[parent, chain] : {std::pair{ForwardParent, f}, std::pair{InputParent, i}})
        if (auto jumped =
                must({QStringLiteral("-I"), parent, QStringLiteral("1"), QStringLiteral("-i"), bridge,
                      QStringLiteral("-m"), QStringLiteral("comment"), QStringLiteral("--comment"),
                      comment(m_owner, m_runLabel), QStringLiteral("-j"), chain});
            !jumped)
            return jumped;
    return {};
}

// Deletes every rule of `parent` that jumps to `chain`, highest number first.
core::Result<void> RunFirewall::removeJumps(const QString &parent, const QString &chain)
{
    const Output listed =
        iptables({QStringLiteral("-n"), QStringLiteral("--line-numbers"), QStringLiteral("-L"), parent});
    if (listed.exitCode != 0)
        return {}; // no such parent chain: nothing of ours can be in it
    QList<int> numbers;
    for (const QString &line : listed.text.split(QLatin1Char('\n'))) {
        const QStringList cols = line.simplified().split(QLatin1Char(' '));
        bool ok = false;
        const int n = cols.value(0).toInt(&ok);
        if (ok && cols.value(1) == chain)
            numbers.prepend(n);
    }
    for (const int n : std::as_const(numbers))
        if (auto gone = must({QStringLiteral("-D"), parent, QString::number(n)}); !gone)
            return gone;
    return {};
}

core::Result<void> RunFirewall::remove()
{
    for (const auto &[parent, chain] :
         {std::pair{ForwardParent, forwardChain()}, std::pair{InputParent, inputChain()}}) {
        if (auto gone = removeJumps(parent, chain); !gone)
            return gone;
        if (iptables({QStringLiteral("-n"), QStringLiteral("-L"), chain}).exitCode != 0)
            continue; // never made, or already gone
        if (auto flushed = must({QStringLiteral("-F"), chain}); !flushed)
            return flushed;
        if (auto deleted = must({QStringLiteral("-X"), chain}); !deleted)
            return deleted;
    }
    return {};
}

core::Result<QStringList> RunFirewall::runLabels(const QString &owner)
{
    const Output all = iptables({QStringLiteral("-S")});
    if (all.exitCode != 0)
        return core::fail(ErrorCategory::Docker, QStringLiteral("docker.firewall"),
                          QStringLiteral("The firewall rules could not be listed: %1").arg(all.text));
    const QString prefix = QStringLiteral("-%1-").arg(ownerHash(owner));
    static const QRegularExpression chainName(QStringLiteral("^RR[FI]-[0-9a-f]{8}-[0-9a-f]{12}$"));
    const QString mark = QStringLiteral("engine=%1 run=").arg(owner);
    QStringList labels, ours, used;
    for (const QString &line : all.text.split(QLatin1Char('\n'))) {
        const QStringList words = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.value(0) == QLatin1String("-N") && chainName.match(words.value(1)).hasMatch() &&
            words.value(1).mid(3, prefix.size()) == prefix)
            ours << words.value(1);
        const qsizetype jump = words.indexOf(QStringLiteral("-j"));
        if (words.value(0) == QLatin1String("-A") && jump > 0)
            used << words.value(jump + 1);
        const qsizetype at = line.indexOf(mark);
        if (words.value(0) == QLatin1String("-A") && at >= 0) {
            const QString label = line.mid(at + mark.size()).section(QLatin1Char('"'), 0, 0).trimmed();
            if (!label.isEmpty() && !labels.contains(label))
                labels << label;
        }
    }
    // A chain without a jump is what a crash between making and jumping leaves: unreachable,
    // so removing it changes nothing but the clutter.
    for (const QString &chain : std::as_const(ours))
        if (!used.contains(chain)) {
            iptables({QStringLiteral("-F"), chain});
            iptables({QStringLiteral("-X"), chain});
        }
    labels.sort();
    return labels;
}

} // namespace rr::dockerruntime
