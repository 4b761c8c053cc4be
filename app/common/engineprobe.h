#pragma once

#include <QString>

namespace rr::app {

// The control socket the engine serves: $REPORUNNER_SOCKET, else the control API's default.
QString controlSocketPath();

// True when something accepts connections on `socketPath`, i.e. another engine already serves
// this user. A non-blocking connect() on a Unix socket answers at once, so this never waits.
bool engineAnswers(const QString &socketPath);

} // namespace rr::app
