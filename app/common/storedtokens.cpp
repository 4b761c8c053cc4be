#include "storedtokens.h"

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

} // namespace rr::app
