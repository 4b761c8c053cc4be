#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace rr::nativehost {

// What the browser may ask the app through this host: a short list of methods, and for each
// the parameters and options the extension uses. The extension filters what web pages send;
// this is the second wall, so that a compromised or buggy extension still cannot name a local
// path, set build values, or reach methods no page needs (settings, openPreview).
class BrowserPolicy final
{
public:
    // Why the request is refused, in words for the user, or nullopt when it may pass.
    static std::optional<QString> refusal(const QString &method, const QJsonObject &params);
};

} // namespace rr::nativehost
