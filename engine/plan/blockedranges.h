#pragma once

#include <QStringList>

namespace rr::plan {

// The IPv4 ranges a run's containers must never reach, on every runtime: the host's loopback,
// private networks (the LAN, other runs' networks, the cluster's own), carrier-grade NAT,
// link-local (cloud metadata at 169.254.169.254), "this network", the benchmarking range,
// multicast and the reserved block. Kubernetes puts them in the NetworkPolicy's `except`;
// Docker drops them in the run's firewall chain.
class BlockedRanges final
{
public:
    static QStringList ipv4();
};

} // namespace rr::plan
