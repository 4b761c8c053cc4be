#include "docker/buildkitdecoder.h"

#include <functional>

namespace rr::docker {

namespace {

// A protobuf wire-format reader over one message's bytes.
class Reader
{
public:
    explicit Reader(QByteArrayView data)
        : m_data(data)
    {}

    bool atEnd() const { return m_pos >= m_data.size(); }
    bool failed() const { return m_failed; }

    bool varint(quint64 &out)
    {
        out = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_data.size())
                return fail();
            const auto b = static_cast<unsigned char>(m_data.at(m_pos++));
            out |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return true;
        }
        return fail();
    }

    // Reads the next key; `wireType` and `field` describe it.
    bool next(int &field, int &wireType)
    {
        quint64 key = 0;
        if (!varint(key))
            return false;
        field = int(key >> 3);
        wireType = int(key & 7);
        return field > 0 || fail();
    }

    bool bytes(QByteArrayView &out)
    {
        quint64 len = 0;
        if (!varint(len) || len > quint64(m_data.size() - m_pos))
            return fail();
        out = m_data.sliced(m_pos, qsizetype(len));
        m_pos += qsizetype(len);
        return true;
    }

    bool skip(int wireType)
    {
        quint64 v = 0;
        QByteArrayView b;
        switch (wireType) {
        case 0:
            return varint(v);
        case 1:
            return advance(8);
        case 2:
            return bytes(b);
        case 5:
            return advance(4);
        default:
            return fail(); // groups (3, 4) are not used by BuildKit
        }
    }

private:
    bool advance(qsizetype n)
    {
        if (m_data.size() - m_pos < n)
            return fail();
        m_pos += n;
        return true;
    }
    bool fail()
    {
        m_failed = true;
        return false;
    }

    QByteArrayView m_data;
    qsizetype m_pos = 0;
    bool m_failed = false;
};

using FieldHandler = std::function<bool(Reader &, int field, int wireType)>;

bool readMessage(QByteArrayView data, const FieldHandler &handler)
{
    Reader r(data);
    while (!r.atEnd()) {
        int field = 0;
        int wireType = 0;
        if (!r.next(field, wireType))
            return false;
        if (!handler(r, field, wireType))
            return false;
    }
    return !r.failed();
}

bool readString(Reader &r, int wireType, QString &out)
{
    QByteArrayView b;
    if (wireType != 2 || !r.bytes(b))
        return false;
    out = QString::fromUtf8(b);
    return true;
}

bool readInt(Reader &r, int wireType, qint64 &out)
{
    quint64 v = 0;
    if (wireType != 0 || !r.varint(v))
        return false;
    out = qint64(v);
    return true;
}

// A google.protobuf.Timestamp counts as set when its message is present at all.
bool readPresent(Reader &r, int wireType, bool &out)
{
    QByteArrayView b;
    if (wireType != 2 || !r.bytes(b))
        return false;
    out = true;
    return true;
}

bool readVertex(QByteArrayView data, BuildKitVertex &v)
{
    return readMessage(data, [&v](Reader &r, int field, int wt) {
        qint64 n = 0;
        QString s;
        switch (field) {
        case 1:
            return readString(r, wt, v.digest);
        case 2:
            if (!readString(r, wt, s))
                return false;
            v.inputs.append(s);
            return true;
        case 3:
            return readString(r, wt, v.name);
        case 4:
            if (!readInt(r, wt, n))
                return false;
            v.cached = n != 0;
            return true;
        case 5:
            return readPresent(r, wt, v.started);
        case 6:
            return readPresent(r, wt, v.completed);
        case 7:
            return readString(r, wt, v.error);
        default:
            return r.skip(wt);
        }
    });
}

bool readStatus(QByteArrayView data, BuildKitVertexStatus &s)
{
    return readMessage(data, [&s](Reader &r, int field, int wt) {
        switch (field) {
        case 1:
            return readString(r, wt, s.id);
        case 2:
            return readString(r, wt, s.vertex);
        case 3:
            return readString(r, wt, s.name);
        case 4:
            return readInt(r, wt, s.current);
        case 5:
            return readInt(r, wt, s.total);
        case 8:
            return readPresent(r, wt, s.completed);
        default:
            return r.skip(wt);
        }
    });
}

bool readLog(QByteArrayView data, BuildKitLog &l)
{
    return readMessage(data, [&l](Reader &r, int field, int wt) {
        qint64 n = 0;
        QByteArrayView b;
        switch (field) {
        case 1:
            return readString(r, wt, l.vertex);
        case 3:
            if (!readInt(r, wt, n))
                return false;
            l.stream = int(n);
            return true;
        case 4:
            if (wt != 2 || !r.bytes(b))
                return false;
            l.message = b.toByteArray();
            return true;
        default:
            return r.skip(wt);
        }
    });
}

} // namespace

core::Result<BuildKitStatus> BuildKitDecoder::decode(const QByteArray &protobuf)
{
    BuildKitStatus status;
    const bool ok = readMessage(protobuf, [&status](Reader &r, int field, int wt) {
        if (field < 1 || field > 3)
            return r.skip(wt);
        QByteArrayView b;
        if (wt != 2 || !r.bytes(b))
            return false;
        if (field == 1) {
            status.vertexes.append(BuildKitVertex());
            return readVertex(b, status.vertexes.last());
        }
        if (field == 2) {
            status.statuses.append(BuildKitVertexStatus());
            return readStatus(b, status.statuses.last());
        }
        status.logs.append(BuildKitLog());
        return readLog(b, status.logs.last());
    });
    if (!ok)
        return core::fail(core::ErrorCategory::Docker, QStringLiteral("docker.buildkit.decode"),
                          QStringLiteral("Docker sent BuildKit progress that could not be decoded."));
    return status;
}

core::Result<BuildKitStatus> BuildKitDecoder::decodeBase64(const QByteArray &base64)
{
    auto decoded = QByteArray::fromBase64Encoding(base64, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return core::fail(core::ErrorCategory::Docker, QStringLiteral("docker.buildkit.decode"),
                          QStringLiteral("Docker sent BuildKit progress that is not valid base64."));
    return decode(*decoded);
}

} // namespace rr::docker
