#include "storedtokens.h"

#include "control/remotedetector.h"
#include "core/promises.h"
#include "source/fetcher.h"
#include "source/tokenstore.h"

#include <QPointer>

namespace rr::app {

void offerStoredTokens(source::Fetcher *fetcher, source::TokenStore *tokens)
{
    // Workers ask while the keychain lives on the tokens' thread; a store already gone offers
    // nothing.
    QPointer<source::TokenStore> guard(tokens);
    fetcher->setTokenProvider([guard](const QString &host) {
        source::TokenStore *store = guard.data();
        return store ? store->tokenForWorker(host) : QString();
    });
}

void offerStoredTokens(control::RemoteDetector *detector, source::TokenStore *tokens)
{
    QPointer<source::TokenStore> guard(tokens);
    detector->setTokenLookup([guard](const QString &host) {
        source::TokenStore *store = guard.data();
        if (!store)
            return core::promises::ready(QString());
        // A keychain that cannot answer means no token, not a failed detection.
        return store->read(host).then(
            [](const core::Result<QString> &token) { return token ? *token : QString(); });
    });
}

} // namespace rr::app
