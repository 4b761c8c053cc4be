#pragma once

#include <QHash>
#include <QSet>
#include <QString>

namespace rr::test::kubeapi {

// Runtime knobs; the test-only control API (/rr-test/...) changes them while the server runs.
struct ServerConfig
{
    int bookmarkIntervalMs = 1000;
    int namespaceTerminationMs = 500;   // extra time a deleted namespace stays Terminating
    int podTerminationMs = 200;         // how long a gracefully deleted pod lingers
    int stepMs = 150;                   // pace of simulated pod state changes
    QString caPem;                      // published in every namespace's kube-root-ca.crt
    QSet<QString> deliveredImages;      // images present on the simulated node
    QHash<QString, QString> registries; // registry host in image names -> its http(s) base URL
    QHash<int, QString> forwardTargets; // pod port -> "host:port" for port-forward
    int expireWatches = 0;              // how many upcoming watches fail with 410
    bool expireAsHttp = false;          // plain HTTP 410 instead of an in-stream ERROR event
    // Whether NetworkPolicy is "enforced": a finishing container of a pod whose egress a policy
    // denies entirely then exits 1, as a network call from it would fail. Off, like a cluster
    // without a policy-enforcing network plugin.
    bool networkPolicyEnforced = false;
};

} // namespace rr::test::kubeapi
