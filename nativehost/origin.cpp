#include "origin.h"

#include <QRegularExpression>

namespace rr::nativehost {

const QStringList &allowedExtensionIds()
{
    static const QStringList ids{QStringLiteral("oipbogiebnohngapaiaihdajnhlacfle")};
    return ids;
}

bool isAllowedOrigin(const QString &origin)
{
    static const QRegularExpression re(QStringLiteral("^chrome-extension://([a-p]{32})/?$"));
    const auto m = re.match(origin);
    return m.hasMatch() && allowedExtensionIds().contains(m.captured(1));
}

} // namespace rr::nativehost
