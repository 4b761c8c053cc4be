// libFuzzer target for the control API's frame and message decoders: the input is a byte
// stream as a client might send it, fed in chunks whose sizes come from the input itself.
#include "ipc/framedecoder.h"
#include "ipc/messagecodec.h"
#include "ipc/paramvalidator.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

void decodePayload(const QByteArray &payload)
{
    QJsonValue id;
    auto request = rr::ipc::MessageCodec::decodeRequest(payload, &id);
    if (request) {
        if (!rr::ipc::MessageCodec::isValidId(request->id))
            std::abort(); // a decoded request always carries a usable id
        (void)rr::ipc::ParamValidator::validate(request->method, request->params);
        // What we decode we must be able to re-encode and decode to the same request.
        auto again = rr::ipc::MessageCodec::decodeRequest(rr::ipc::MessageCodec::encodeRequest(*request));
        if (!again || again->method != request->method || again->params != request->params ||
            again->id != request->id)
            std::abort();
        (void)rr::ipc::MessageCodec::encodeResult(request->id, request->params);
    } else if (request.error().code.isEmpty() || request.error().message.isEmpty()) {
        std::abort(); // every refusal must be explainable to the client
    }
    (void)rr::ipc::MessageCodec::decodeIncoming(payload);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    // A small limit so oversized headers and their skipping are reached often.
    rr::ipc::FrameDecoder decoder(4096);
    qsizetype pos = 0;
    std::size_t step = 0;
    while (pos < input.size()) {
        const qsizetype chunk = 1 + qsizetype(data[step++ % size]) % 97;
        decoder.feed(input.sliced(pos, qMin(chunk, input.size() - pos)));
        pos += chunk;
        while (auto item = decoder.next()) {
            if (item->kind == rr::ipc::FrameDecoder::Item::Kind::Frame) {
                if (item->payload.size() > 4096 || std::uint32_t(item->payload.size()) != item->declaredSize)
                    std::abort();
                decodePayload(item->payload);
            } else if (item->declaredSize <= 4096) {
                std::abort();
            }
        }
        if (decoder.bufferedBytes() > 4096 + 4 + 97)
            std::abort(); // never more than one frame plus one chunk is held
    }
    // The whole input as one payload too, so the JSON layer sees unframed bytes.
    decodePayload(input.toByteArray());
    return 0;
}
