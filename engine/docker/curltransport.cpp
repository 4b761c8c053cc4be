#include "docker/curltransport.h"

#include "core/logging.h"

#include <QFile>

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace rr::docker {

using core::ErrorCategory;

namespace {

struct Transfer
{
    ApiResponse response;
    const CurlTransport::ChunkSink *sink = nullptr;
    const CurlTransport::CancelCheck *cancelled = nullptr;
    bool isCancelled() const { return cancelled && *cancelled && (*cancelled)(); }
    CURL *curl = nullptr;
    QFile *upload = nullptr;
    bool sinkStopped = false;
    bool uploadFailed = false;
};

size_t onWrite(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t n = size * count;
    if (t->response.status == 0) {
        long code = 0;
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
        t->response.status = int(code);
    }
    // Error bodies are small JSON documents and always collected for the message.
    if (t->sink && *t->sink && t->response.isSuccess()) {
        if (!(*t->sink)(QByteArray(data, qsizetype(n)))) {
            t->sinkStopped = true;
            return 0; // makes curl stop with CURLE_WRITE_ERROR
        }
        return n;
    }
    t->response.body.append(data, qsizetype(n));
    return n;
}

size_t onHeader(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t n = size * count;
    const QByteArray line = QByteArray(data, qsizetype(n)).trimmed();
    if (line.startsWith("HTTP/")) {
        t->response.headers.clear(); // a new response (after 100 Continue)
        return n;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon > 0)
        t->response.headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    return n;
}

size_t onRead(char *buffer, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    if (t->isCancelled())
        return CURL_READFUNC_ABORT;
    const qint64 got = t->upload->read(buffer, qint64(size * count));
    if (got < 0) {
        t->uploadFailed = true;
        return CURL_READFUNC_ABORT;
    }
    return size_t(got);
}

int onProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    auto *t = static_cast<Transfer *>(user);
    return t->isCancelled() ? 1 : 0;
}

void globalInit()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter
{
    void operator()(CURL *c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter
{
    void operator()(curl_slist *l) const { curl_slist_free_all(l); }
};

} // namespace

CurlTransport::CurlTransport(DockerHost host)
    : m_host(std::move(host))
{
    globalInit();
}

core::Result<ApiResponse> CurlTransport::perform(const ApiRequest &request, const QString &urlPrefix,
                                                 const ChunkSink &sink, const CancelCheck &isCancelled) const
{
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl)
        return core::fail(ErrorCategory::Internal, QStringLiteral("docker.curl.init"),
                          QStringLiteral("Could not initialise libcurl."));
    Transfer t;
    t.sink = &sink;
    t.cancelled = &isCancelled;
    t.curl = curl.get();

    QString url = m_host.baseUrl() + urlPrefix + request.path;
    if (!request.query.isEmpty())
        url += QLatin1Char('?') + request.query.query(QUrl::FullyEncoded);
    const QByteArray urlBytes = url.toUtf8();
    const QByteArray socketPath = m_host.socketPath.toUtf8();
    CURL *c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, urlBytes.constData());
    if (m_host.kind == DockerHost::Kind::Unix)
        curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socketPath.constData());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    if (request.timeoutMs > 0)
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(request.timeoutMs));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &onWrite);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &onHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &onProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);

    curl_slist *rawHeaders = curl_slist_append(nullptr, "Expect:");
    if (!request.contentType.isEmpty())
        rawHeaders =
            curl_slist_append(rawHeaders, QByteArray("Content-Type: " + request.contentType).constData());
    for (const auto &[name, value] : request.headers)
        rawHeaders = curl_slist_append(rawHeaders, QByteArray(name + ": " + value).constData());
    std::unique_ptr<curl_slist, SlistDeleter> headers(rawHeaders);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

    QFile upload;
    if (request.method == "GET") {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.constData());
        if (!request.bodyFile.isEmpty()) {
            upload.setFileName(request.bodyFile);
            if (!upload.open(QIODevice::ReadOnly))
                return core::fail(
                    ErrorCategory::Io, QStringLiteral("docker.upload.open"),
                    QStringLiteral("Could not read %1: %2").arg(request.bodyFile, upload.errorString()));
            t.upload = &upload;
            curl_easy_setopt(c, CURLOPT_POST, 1L);
            curl_easy_setopt(c, CURLOPT_READFUNCTION, &onRead);
            curl_easy_setopt(c, CURLOPT_READDATA, &t);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(upload.size()));
        } else {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.constData());
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
        }
    }

    const CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    t.response.status = int(code);

    const QString what = QString::fromLatin1(request.method) + QLatin1Char(' ') + request.path;
    if (t.isCancelled())
        return core::fail(ErrorCategory::Cancelled, QStringLiteral("docker.cancelled"),
                          QStringLiteral("%1 was cancelled.").arg(what));
    if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && t.sinkStopped))
        return std::move(t.response);
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
        rc == CURLE_COULDNT_RESOLVE_PROXY ||
        (rc == CURLE_OPERATION_TIMEDOUT && code == 0 && m_host.kind == DockerHost::Kind::Unix)) {
        const QString how =
            m_host.kind == DockerHost::Kind::Unix
                ? QStringLiteral("Start Docker (\"sudo systemctl start docker\", or run dockerd) and "
                                 "make sure you may use %1, or set DOCKER_HOST.")
                      .arg(m_host.socketPath)
                : QStringLiteral("Check that dockerd listens there, or change DOCKER_HOST.");
        core::Error e =
            core::makeError(ErrorCategory::Docker, QStringLiteral("docker.unavailable"),
                            QStringLiteral("No Docker daemon answers at %1. %2").arg(m_host.toString(), how));
        e.details = QString::fromUtf8(curl_easy_strerror(rc));
        return core::fail(std::move(e));
    }
    if (t.uploadFailed)
        return core::fail(ErrorCategory::Io, QStringLiteral("docker.upload.read"),
                          QStringLiteral("Reading %1 failed while sending it to Docker: %2")
                              .arg(request.bodyFile, upload.errorString()));
    core::Error e =
        core::makeError(ErrorCategory::Docker,
                        rc == CURLE_OPERATION_TIMEDOUT ? QStringLiteral("docker.timeout")
                                                       : QStringLiteral("docker.transport"),
                        QStringLiteral("%1 to Docker at %2 failed: %3")
                            .arg(what, m_host.toString(), QString::fromUtf8(curl_easy_strerror(rc))));
    qCWarning(lcDocker) << "transport error" << what << curl_easy_strerror(rc);
    return core::fail(std::move(e));
}

} // namespace rr::docker
