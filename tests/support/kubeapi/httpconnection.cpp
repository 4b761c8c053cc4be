#include "httpconnection.h"

#include <QDateTime>
#include <QLocale>
#include <QTimer>
#include <QUrl>

namespace rr::test::kubeapi {

namespace {
constexpr qsizetype kMaxHeader = 64 * 1024;

// Decodes a chunked body; returns false while incomplete. `consumed` counts bytes used.
bool decodeChunked(const QByteArray &data, qsizetype start, QByteArray *out, qsizetype *consumed)
{
    qsizetype pos = start;
    out->clear();
    for (;;) {
        const qsizetype eol = data.indexOf("\r\n", pos);
        if (eol < 0)
            return false;
        QByteArray sizeText = data.mid(pos, eol - pos);
        const qsizetype semi = sizeText.indexOf(';');
        if (semi >= 0)
            sizeText.truncate(semi);
        bool ok = false;
        const qsizetype size = sizeText.trimmed().toLongLong(&ok, 16);
        if (!ok)
            return false;
        pos = eol + 2;
        if (size == 0) {
            const qsizetype end = data.indexOf("\r\n", pos); // trailers end with an empty line
            if (end < 0)
                return false;
            *consumed = end + 2 - start;
            return true;
        }
        if (data.size() < pos + size + 2)
            return false;
        out->append(data.mid(pos, size));
        pos += size + 2;
    }
}
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
{
    socket->setParent(this);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        Q_EMIT closed();
        deleteLater();
    });
    QTimer::singleShot(0, this, &HttpConnection::onReadyRead);
}

bool HttpConnection::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void HttpConnection::onReadyRead()
{
    if (!m_socket)
        return;
    m_buffer.append(m_socket->readAll());
    while (!m_busy && parseOne()) {
    }
}

bool HttpConnection::parseOne()
{
    const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (m_buffer.size() > kMaxHeader)
            m_socket->abort();
        return false;
    }
    const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3) {
        respond(400, "text/plain", "malformed request line\n");
        m_closeAfter = true;
        return false;
    }
    HttpRequest req;
    req.method = requestLine.at(0);
    const QByteArray target = requestLine.at(1);
    const qsizetype q = target.indexOf('?');
    req.path = QUrl::fromPercentEncoding(q >= 0 ? target.left(q) : target);
    if (q >= 0)
        req.query.setQuery(QString::fromLatin1(target.mid(q + 1)));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            req.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    qsizetype consumed = headerEnd + 4;
    if (req.header("transfer-encoding").toLower().contains("chunked")) {
        qsizetype used = 0;
        if (!decodeChunked(m_buffer, consumed, &req.body, &used))
            return false;
        consumed += used;
    } else {
        const qsizetype length = req.header("content-length").toLongLong();
        if (m_buffer.size() < consumed + length)
            return false;
        req.body = m_buffer.mid(consumed, length);
        consumed += length;
    }
    m_buffer.remove(0, consumed);
    m_closeAfter = req.header("connection").toLower() == "close";
    m_busy = true;
    Q_EMIT requestReceived(req);
    return true;
}

QByteArray HttpConnection::reasonPhrase(int code)
{
    switch (code) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

static QByteArray headBlock(int code, const HeaderList &headers)
{
    QByteArray head =
        "HTTP/1.1 " + QByteArray::number(code) + ' ' + HttpConnection::reasonPhrase(code) + "\r\n";
    for (const auto &h : headers)
        head += h.first + ": " + h.second + "\r\n";
    const QString date = QLocale::c().toString(QDateTime::currentDateTimeUtc(),
                                               QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    head += "Date: " + date.toLatin1() + "\r\n\r\n";
    return head;
}

void HttpConnection::respond(int code, const QByteArray &contentType, const QByteArray &body,
                             const HeaderList &extra)
{
    if (!m_socket)
        return;
    HeaderList headers = extra;
    headers.append(qMakePair(QByteArray("Content-Type"), QByteArray(contentType)));
    headers.append(qMakePair(QByteArray("Content-Length"), QByteArray(QByteArray::number(body.size()))));
    headers.append(qMakePair(QByteArray("Audit-Id"), QByteArray("rr-test")));
    m_socket->write(headBlock(code, headers) + body);
    finishResponse();
}

void HttpConnection::beginStream(int code, const QByteArray &contentType, const HeaderList &extra)
{
    if (!m_socket)
        return;
    HeaderList headers = extra;
    headers.append(qMakePair(QByteArray("Content-Type"), QByteArray(contentType)));
    headers.append(qMakePair(QByteArray("Transfer-Encoding"), QByteArray("chunked")));
    headers.append(qMakePair(QByteArray("Cache-Control"), QByteArray("no-cache, private")));
    m_socket->write(headBlock(code, headers));
    m_socket->flush();
    m_streaming = true;
}

void HttpConnection::writeChunk(const QByteArray &data)
{
    if (!m_socket || !m_streaming || data.isEmpty())
        return;
    m_socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
    m_socket->flush();
}

void HttpConnection::endStream()
{
    if (!m_socket || !m_streaming)
        return;
    m_streaming = false;
    m_socket->write("0\r\n\r\n");
    finishResponse();
}

void HttpConnection::finishResponse()
{
    m_busy = false;
    if (m_closeAfter) {
        m_socket->flush();
        m_socket->disconnectFromHost();
        return;
    }
    QTimer::singleShot(0, this, &HttpConnection::onReadyRead);
}

QTcpSocket *HttpConnection::upgrade(QByteArray *leftover)
{
    QTcpSocket *socket = m_socket;
    *leftover = m_buffer;
    m_buffer.clear();
    disconnect(socket, nullptr, this, nullptr);
    socket->setParent(nullptr);
    m_socket = nullptr;
    deleteLater();
    return socket;
}

} // namespace rr::test::kubeapi
