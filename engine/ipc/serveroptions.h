#pragma once

#include "ipc/protocol.h"

#include <QString>

#include <chrono>
#include <cstdint>

namespace rr::ipc {

// Limits and timings of a ControlServer; the defaults are what the app uses.
struct ServerOptions
{
    // Empty: defaultSocketPath(), whose private directory the server creates.
    QString socketPath;
    std::uint32_t maxMessageSize = kMaxMessageSize;
    // Outgoing bytes a connection may have queued before it is dropped as a slow consumer.
    qint64 outgoingBudget = kDefaultOutgoingBudget;
    // Requests of one connection the handler may be working on at once.
    int maxInFlight = 64;
    // Log lines of a run are sent together once this many are waiting or the interval passes.
    int logBatchLines = 500;
    std::chrono::milliseconds logBatchInterval{50};
    // A connection that leaves half a frame unfinished this long gets an error and is closed.
    std::chrono::milliseconds partialFrameTimeout{10000};
    // How long a dropped connection may take to receive its final error before it is cut.
    std::chrono::milliseconds dropGrace{5000};
};

} // namespace rr::ipc
