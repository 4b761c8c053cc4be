// libFuzzer target for the native host's browser side: the input is what Chrome (or whatever
// else holds the host's stdin) writes, in chunks whose sizes come from the input itself. Each
// frame goes through what the relay does with it (JSON, the request shape, the host's
// allow-list), and back out through the encoder with a small frame limit, where every frame
// must fit, whatever the escaping, the surrogates or the invalid UTF-8 in it.
#include "browserpolicy.h"
#include "chromeframing.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

constexpr std::uint32_t kReadLimit = 4096;
constexpr std::uint32_t kWriteLimit = 2048;

void checkEncoded(const QJsonObject &message)
{
    for (const QByteArray &frame : rr::nativehost::chrome::encodeForBrowser(message, kWriteLimit)) {
        if (frame.size() < 4 || frame.size() > qsizetype(kWriteLimit))
            std::abort();
        std::uint32_t length = 0;
        std::memcpy(&length, frame.constData(), 4);
        if (qsizetype(length) + 4 != frame.size())
            std::abort();
        if (!QJsonDocument::fromJson(frame.mid(4)).isObject())
            std::abort(); // what we send must be a message the extension can read
    }
}

void handle(const QByteArray &payload)
{
    const QJsonDocument doc = QJsonDocument::fromJson(payload);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue method = o.value(QStringLiteral("method"));
        const QJsonValue params = o.value(QStringLiteral("params"));
        if (method.isString() && (params.isObject() || params.isUndefined())) {
            const auto refusal = rr::nativehost::BrowserPolicy::refusal(method.toString(), params.toObject());
            if (refusal && refusal->isEmpty())
                std::abort(); // every refusal says why
        }
        checkEncoded(o);
    }
    // The raw bytes as a log line and as a reply's lines: hostile encodings reach the encoder.
    const QString text = QString::fromUtf8(payload);
    const QJsonObject line{{QStringLiteral("service"), QStringLiteral("web")},
                           {QStringLiteral("text"), text}};
    QJsonArray lines;
    for (int i = 0; i < 1 + int(payload.size() % 7); ++i)
        lines.append(line);
    checkEncoded({{QStringLiteral("event"), QStringLiteral("run.log")},
                  {QStringLiteral("data"), QJsonObject{{QStringLiteral("runId"), QStringLiteral("r")},
                                                       {QStringLiteral("lines"), lines}}}});
    checkEncoded({{QStringLiteral("id"), text},
                  {QStringLiteral("result"), QJsonObject{{QStringLiteral("lines"), lines}}}});
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    rr::nativehost::chrome::FrameReader reader(kReadLimit);
    qsizetype pos = 0;
    std::size_t step = 0;
    while (pos < input.size()) {
        const qsizetype chunk = 1 + qsizetype(data[step++ % size]) % 97;
        reader.feed(input.sliced(pos, qMin(chunk, input.size() - pos)));
        pos += chunk;
        while (auto frame = reader.next()) {
            if (frame->oversized ? !frame->payload.isEmpty() : frame->payload.size() > qsizetype(kReadLimit))
                std::abort();
            if (!frame->oversized)
                handle(frame->payload);
        }
        if (reader.bufferedBytes() > qsizetype(kReadLimit) + 4 + 97)
            std::abort(); // never more than one frame plus one chunk is held
    }
    handle(input.toByteArray());
    return 0;
}
