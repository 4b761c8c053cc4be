#pragma once

#include "httprequest.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>

namespace rr::test::kubeapi {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A small HTTP/1.1 server connection: keep-alive, Content-Length and chunked request bodies,
// plain or chunked (streamed) responses. Requests are handled one at a time.
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    explicit HttpConnection(QTcpSocket *socket, QObject *parent = nullptr);

    void respond(int code, const QByteArray &contentType, const QByteArray &body,
                 const HeaderList &extra = {});
    void beginStream(int code, const QByteArray &contentType, const HeaderList &extra = {});
    void writeChunk(const QByteArray &data);
    void endStream();
    bool isStreaming() const { return m_streaming; }
    bool isOpen() const;

    // Hands the raw socket (and bytes already read past the request) to a protocol upgrade.
    QTcpSocket *upgrade(QByteArray *leftover);

    static QByteArray reasonPhrase(int code);

Q_SIGNALS:
    void requestReceived(const rr::test::kubeapi::HttpRequest &request);
    void closed();

private:
    void onReadyRead();
    bool parseOne();
    void finishResponse();

    QPointer<QTcpSocket> m_socket;
    QByteArray m_buffer;
    bool m_busy = false;
    bool m_streaming = false;
    bool m_closeAfter = false;
};

} // namespace rr::test::kubeapi
