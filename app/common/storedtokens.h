#pragma once

namespace rr::source {
class Fetcher;
class TokenStore;
} // namespace rr::source

namespace rr::control {
class RemoteDetector;
}

namespace rr::app {

// Lets `fetcher` offer the keychain's token for a host when a remote asks for credentials.
// The token is read on the fetch's worker thread when needed and kept nowhere else.
void offerStoredTokens(source::Fetcher *fetcher, source::TokenStore *tokens);
// Lets detection send the keychain's token to the GitHub API (raising its rate limit and seeing
// private repositories); read asynchronously for each uncached detection.
void offerStoredTokens(control::RemoteDetector *detector, source::TokenStore *tokens);

} // namespace rr::app
