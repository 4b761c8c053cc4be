#include "source/tokenstore.h"

#include "core/logging.h"
#include "core/promises.h"

#include <QThread>

#include <qt6keychain/keychain.h>

#include <memory>

namespace rr::source {

using core::ErrorCategory;

namespace {

core::Error keychainError(const QKeychain::Job *job, const QString &action)
{
    // The keychain's message is about the keychain, never about the secret.
    const QString hint =
        job->error() == QKeychain::NoBackendAvailable
            ? QStringLiteral(" No keychain service is running (e.g. GNOME Keyring or KWallet).")
            : QString();
    return core::makeError(ErrorCategory::Io, QStringLiteral("source.keychain_failed"),
                           QStringLiteral("Could not %1 the token in the keychain: %2.%3")
                               .arg(action, job->errorString(), hint));
}

} // namespace

TokenStore::TokenStore(QObject *parent)
    : QObject(parent)
{}

TokenStore::~TokenStore() = default;

QString TokenStore::serviceName()
{
    return QStringLiteral("reporunner");
}

QFuture<core::Result<QString>> TokenStore::read(const QString &host)
{
    auto promise = core::promises::started<core::Result<QString>>();
    QMetaObject::invokeMethod(this, [this, host, promise] {
        auto *job = new QKeychain::ReadPasswordJob(serviceName(), this);
        job->setAutoDelete(true);
        job->setInsecureFallback(false);
        job->setKey(host);
        connect(job, &QKeychain::Job::finished, this, [promise](QKeychain::Job *done) {
            if (done->error() == QKeychain::EntryNotFound)
                return core::promises::settle(promise, QString());
            if (done->error() != QKeychain::NoError)
                return core::promises::settle(promise,
                                              core::fail(keychainError(done, QStringLiteral("read"))));
            core::promises::settle(promise, static_cast<QKeychain::ReadPasswordJob *>(done)->textData());
        });
        job->start();
    });
    return promise->future();
}

QFuture<core::Result<bool>> TokenStore::write(const QString &host, const QString &token)
{
    auto promise = core::promises::started<core::Result<bool>>();
    QMetaObject::invokeMethod(this, [this, host, token, promise] {
        auto *job = new QKeychain::WritePasswordJob(serviceName(), this);
        job->setAutoDelete(true);
        job->setInsecureFallback(false);
        job->setKey(host);
        job->setTextData(token);
        connect(job, &QKeychain::Job::finished, this, [promise, host](QKeychain::Job *done) {
            if (done->error() != QKeychain::NoError)
                return core::promises::settle(promise,
                                              core::fail(keychainError(done, QStringLiteral("store"))));
            qCInfo(lcSource) << "stored a token for" << host;
            core::promises::settle(promise, true);
        });
        job->start();
    });
    return promise->future();
}

QFuture<core::Result<bool>> TokenStore::remove(const QString &host)
{
    auto promise = core::promises::started<core::Result<bool>>();
    QMetaObject::invokeMethod(this, [this, host, promise] {
        auto *job = new QKeychain::DeletePasswordJob(serviceName(), this);
        job->setAutoDelete(true);
        job->setInsecureFallback(false);
        job->setKey(host);
        connect(job, &QKeychain::Job::finished, this, [promise](QKeychain::Job *done) {
            if (done->error() == QKeychain::EntryNotFound)
                return core::promises::settle(promise, false);
            if (done->error() != QKeychain::NoError)
                return core::promises::settle(promise,
                                              core::fail(keychainError(done, QStringLiteral("remove"))));
            core::promises::settle(promise, true);
        });
        job->start();
    });
    return promise->future();
}

QString TokenStore::tokenForWorker(const QString &host)
{
    if (QThread::currentThread() == thread()) {
        qCWarning(lcSource) << "TokenStore::tokenForWorker called on the keychain thread; no token offered";
        return {};
    }
    auto future = read(host);
    const core::Result<QString> result = future.result();
    if (!result) {
        qCWarning(lcSource) << "cannot read token for" << host << ":" << result.error().message;
        return {};
    }
    return *result;
}

} // namespace rr::source
