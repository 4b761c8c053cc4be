#pragma once

// Internal to engine/source: the state one fetch shares with libgit2's callbacks.

#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace rr::source {

struct FetchContext
{
    std::shared_ptr<std::atomic_bool> cancelled = std::make_shared<std::atomic_bool>(false);
    std::function<QString(const QString &host)> tokenProvider;
    std::function<void(qint64 bytes, int objects, int total)> progress; // worker thread

    qint64 maxBytes = 0;
    qint64 maxCheckoutBytes = 0; // 0 = no cap
    qint64 maxCheckoutFiles = 0;
    qint64 checkoutBytes = 0; // written so far by this fetch's checkouts (submodules included)
    qint64 checkoutFiles = 0;
    qint64 bytesBefore = 0; // received by earlier remotes of this fetch (submodules)
    qint64 receivedBytes = 0;
    int receivedObjects = 0;

    // Set by callbacks to say why libgit2 stopped.
    bool tooLarge = false;
    int credentialAttempts = 0;
    bool authRejected = false;
    bool tokenOffered = false;

    int totalObjects = 0; // received from earlier remotes of this fetch

    bool isCancelled() const { return cancelled->load(); }

    // Per-remote counters restart for every remote (the parent, then each submodule).
    void beginRemote()
    {
        receivedBytes = 0;
        receivedObjects = 0;
        credentialAttempts = 0;
        tokenOffered = false;
    }
    void endRemote()
    {
        bytesBefore += receivedBytes;
        totalObjects += receivedObjects;
        receivedBytes = 0;
        receivedObjects = 0;
    }
};

} // namespace rr::source
