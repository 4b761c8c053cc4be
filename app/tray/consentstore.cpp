#include "consentstore.h"

#include "traylog.h"

#include "source/sourcespecparser.h"

#include <QSettings>
#include <QStandardPaths>

namespace rr::tray {

namespace {

const QString kKey = QStringLiteral("allowUnsafe");

} // namespace

ConsentStore::ConsentStore(const QString &path, QObject *parent)
    : QObject(parent)
    , m_path(path.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
                                  QStringLiteral("/reporunner/unsafe-consent.ini")
                            : path)
{
    const QSettings file(m_path, QSettings::IniFormat);
    m_keys = file.value(kKey).toStringList();
}

QString ConsentStore::repositoryKey(const QString &source)
{
    const auto spec = source::SourceSpecParser::parse(source.trimmed());
    if (!spec)
        return {};
    return spec->isLocal() ? spec->localPath : spec->remoteUrl;
}

void ConsentStore::allow(const QString &repository)
{
    if (repository.isEmpty() || m_keys.contains(repository))
        return;
    m_keys.append(repository);
    save();
    qCInfo(lcTray) << "unsafe runs allowed for" << repository;
}

void ConsentStore::revoke(const QString &repository)
{
    if (!m_keys.removeAll(repository))
        return;
    save();
    qCInfo(lcTray) << "unsafe runs no longer allowed for" << repository;
}

void ConsentStore::save()
{
    QSettings file(m_path, QSettings::IniFormat);
    file.setValue(kKey, m_keys);
    file.sync();
    Q_EMIT changed();
}

} // namespace rr::tray
