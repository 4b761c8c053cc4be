#include "browserintegration.h"

#include "statetone.h"
#include "traylog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace rr::tray {

namespace {

struct Known
{
    const char *id;
    const char *name;
    const char *configDir; // under ~/.config
    const char *systemDir;
    const char *program;
};

// The browsers the .deb's postinst serves (installer/CMakeLists.txt), with their user folders.
constexpr Known kBrowsers[] = {
    {"chrome", "Google Chrome", "google-chrome", "/etc/opt/chrome/native-messaging-hosts", "google-chrome"},
    {"chromium", "Chromium", "chromium", "/etc/chromium/native-messaging-hosts", "chromium"},
    {"edge", "Microsoft Edge", "microsoft-edge", "/etc/opt/edge/native-messaging-hosts", "microsoft-edge"},
    {"brave", "Brave", "BraveSoftware/Brave-Browser", "/etc/opt/brave/native-messaging-hosts",
     "brave-browser"},
    {"vivaldi", "Vivaldi", "vivaldi", "/etc/opt/vivaldi/native-messaging-hosts", "vivaldi"},
};

QString defaultTemplate()
{
    if (const QString env = qEnvironmentVariable("REPORUNNER_HOST_TEMPLATE"); !env.isEmpty())
        return env;
    for (const char *candidate : {REPORUNNER_HOST_TEMPLATE_INSTALLED, REPORUNNER_HOST_TEMPLATE_BUILT}) {
        if (QFileInfo::exists(QString::fromUtf8(candidate)))
            return QString::fromUtf8(candidate);
    }
    return QString::fromUtf8(REPORUNNER_HOST_TEMPLATE_INSTALLED);
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.read(64 * 1024) : QByteArray();
}

QString manifestName()
{
    return QString::fromLatin1(BrowserIntegration::HostName) + QStringLiteral(".json");
}

} // namespace

BrowserIntegration::BrowserIntegration(const QString &home, const QString &templatePath, QObject *parent)
    : QAbstractListModel(parent)
    , m_home(home.isEmpty() ? QDir::homePath() : home)
    , m_template(templatePath.isEmpty() ? defaultTemplate() : templatePath)
{
    refresh();
}

int BrowserIntegration::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant BrowserIntegration::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BrowserRow &b = m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return b.id;
    case Qt::DisplayRole:
    case NameRole:
        return b.name;
    case StatusRole:
        return b.status;
    case ToneRole:
        return int(b.status == QLatin1String("installed") || b.status == QLatin1String("system") ? Tone::Good
                   : b.status == QLatin1String("outdated")                                       ? Tone::Bad
                                                           : Tone::Neutral);
    case DetailRole:
        return b.detail;
    default:
        return {};
    }
}

QHash<int, QByteArray> BrowserIntegration::roleNames() const
{
    return {{IdRole, "browserId"},
            {NameRole, "name"},
            {StatusRole, "status"},
            {ToneRole, "tone"},
            {DetailRole, "detail"}};
}

QList<BrowserRow> BrowserIntegration::scan() const
{
    const QByteArray wanted = readAll(m_template);
    const QString config = m_home + QStringLiteral("/.config/");
    QList<BrowserRow> rows;
    for (const Known &k : kBrowsers) {
        const QString configDir = config + QString::fromLatin1(k.configDir);
        if (!QFileInfo::exists(configDir) &&
            QStandardPaths::findExecutable(QString::fromLatin1(k.program)).isEmpty())
            continue; // not installed for this user
        BrowserRow row{QString::fromLatin1(k.id),
                       QString::fromLatin1(k.name),
                       configDir + QStringLiteral("/NativeMessagingHosts"),
                       QString::fromLatin1(k.systemDir),
                       {},
                       {}};
        const QString user = row.userDir + QLatin1Char('/') + manifestName();
        const QString system = row.systemDir + QLatin1Char('/') + manifestName();
        if (QFileInfo::exists(user)) {
            const bool current = !wanted.isEmpty() && readAll(user) == wanted;
            row.status = current ? QStringLiteral("installed") : QStringLiteral("outdated");
            row.detail =
                current ? user : QStringLiteral("%1 differs from %2: repair it").arg(user, m_template);
        } else if (QFileInfo::exists(system)) {
            row.status = QStringLiteral("system");
            row.detail = QStringLiteral("%1 (installed with the package)").arg(system);
        } else {
            row.status = QStringLiteral("missing");
            row.detail = QStringLiteral("The extension cannot reach RepoRunner in this browser.");
        }
        rows.append(row);
    }
    return rows;
}

void BrowserIntegration::refresh()
{
    const QList<BrowserRow> rows = scan();
    if (rows == m_rows)
        return;
    beginResetModel();
    m_rows = rows;
    endResetModel();
    Q_EMIT countChanged();
}

bool BrowserIntegration::install(const QString &browserId)
{
    const auto it =
        std::find_if(m_rows.cbegin(), m_rows.cend(), [&](const BrowserRow &r) { return r.id == browserId; });
    if (it == m_rows.cend())
        return false;
    const QByteArray manifest = readAll(m_template);
    if (manifest.isEmpty()) {
        say(QStringLiteral("The host manifest template %1 is missing: reinstall RepoRunner.")
                .arg(m_template));
        return false;
    }
    QSaveFile out(it->userDir + QLatin1Char('/') + manifestName());
    if (!QDir().mkpath(it->userDir) || !out.open(QIODevice::WriteOnly) ||
        out.write(manifest) != manifest.size() || !out.commit()) {
        say(QStringLiteral("Could not write %1: %2").arg(out.fileName(), out.errorString()));
        return false;
    }
    qCInfo(lcTray) << "browser host manifest written:" << out.fileName();
    const QString name = it->name;
    refresh();
    say(QStringLiteral("%1 can now reach RepoRunner (restart the browser if it is running).").arg(name));
    return true;
}

bool BrowserIntegration::remove(const QString &browserId)
{
    const auto it =
        std::find_if(m_rows.cbegin(), m_rows.cend(), [&](const BrowserRow &r) { return r.id == browserId; });
    if (it == m_rows.cend())
        return false;
    QFile manifest(it->userDir + QLatin1Char('/') + manifestName());
    if (manifest.exists() && !manifest.remove()) {
        say(QStringLiteral("Could not remove %1: %2").arg(manifest.fileName(), manifest.errorString()));
        return false;
    }
    qCInfo(lcTray) << "browser host manifest removed:" << manifest.fileName();
    const QString name = it->name;
    refresh();
    say(QStringLiteral("Removed RepoRunner's manifest for %1.").arg(name));
    return true;
}

void BrowserIntegration::say(const QString &message)
{
    m_message = message;
    Q_EMIT messageChanged();
}

} // namespace rr::tray
