#include "plan/blockedranges.h"

namespace rr::plan {

QStringList BlockedRanges::ipv4()
{
    return {QStringLiteral("0.0.0.0/8"),      QStringLiteral("10.0.0.0/8"),
            QStringLiteral("100.64.0.0/10"),  QStringLiteral("127.0.0.0/8"),
            QStringLiteral("169.254.0.0/16"), QStringLiteral("172.16.0.0/12"),
            QStringLiteral("192.168.0.0/16"), QStringLiteral("198.18.0.0/15"),
            QStringLiteral("224.0.0.0/4"),    QStringLiteral("240.0.0.0/4")};
}

} // namespace rr::plan
