#include "docker/imagebuilder.h"

#include "core/logging.h"
#include "docker/dockerclient.h"
#include "docker/dockerconnection.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryFile>

#include <algorithm>

namespace rr::docker {

using core::ErrorCategory;

// Lets worker threads reach the builder while it lives, and lets cancel() reach every build.
struct ImageBuilder::Relay
{
    QMutex mutex;
    ImageBuilder *owner = nullptr;
    QList<std::weak_ptr<std::atomic_bool>> builds;

    template<class F> void post(F &&f)
    {
        QMutexLocker lock(&mutex);
        if (ImageBuilder *o = owner)
            QMetaObject::invokeMethod(
                o, [o, f = std::forward<F>(f)] { f(o); }, Qt::QueuedConnection);
    }
};

ImageBuilder::ImageBuilder(DockerClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_relay(std::make_shared<Relay>())
{
    qRegisterMetaType<rr::docker::BuildStep>();
    m_relay->owner = this;
}

ImageBuilder::~ImageBuilder()
{
    cancel();
    QMutexLocker lock(&m_relay->mutex);
    m_relay->owner = nullptr;
}

void ImageBuilder::cancel()
{
    QMutexLocker lock(&m_relay->mutex);
    for (const auto &weak : std::as_const(m_relay->builds))
        if (auto flag = weak.lock())
            flag->store(true);
    m_relay->builds.clear();
}

QString ImageBuilder::imageReference(const QString &repository, const QString &commit,
                                     const QString &contextHash)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{7,}$"));
    const QString c = hex.match(commit).hasMatch() ? commit.left(12).toLower() : QStringLiteral("local");
    return repository + QLatin1Char(':') + c + QLatin1Char('-') + contextHash.left(8);
}

QFuture<core::Result<BuildResult>> ImageBuilder::build(const BuildRequest &request)
{
    auto flag = std::make_shared<std::atomic_bool>(false);
    {
        QMutexLocker lock(&m_relay->mutex);
        m_relay->builds.removeIf([](const std::weak_ptr<std::atomic_bool> &w) { return w.expired(); });
        m_relay->builds.append(flag);
    }
    auto relay = m_relay;
    return m_client->run<BuildResult>(
        [request, flag,
         relay](DockerConnection &connection,
                const DockerClient::CancelCheck &clientCancelled) -> core::Result<BuildResult> {
            // The deadline counts from the build's start on the pool, not from queueing.
            const QDeadlineTimer deadline(qint64(qMax(1, request.limits.timeoutSeconds)) * 1000);
            const std::function<bool()> cancelled = [flag, clientCancelled, &deadline] {
                return flag->load() || clientCancelled() || deadline.hasExpired();
            };
            auto built = runBuild(connection, request, cancelled, relay);
            if (!built && deadline.hasExpired() && !flag->load() && !clientCancelled())
                return core::fail(core::ErrorCategory::Docker, QStringLiteral("docker.build.timeout"),
                                  QStringLiteral("The image build took longer than its limit of %1 s and was "
                                                 "stopped.")
                                      .arg(request.limits.timeoutSeconds));
            return built;
        });
}

namespace {

QString jsonMap(const QMap<QString, QString> &map)
{
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

core::Error cancelledError()
{
    return core::makeError(ErrorCategory::Cancelled, QStringLiteral("docker.build.cancelled"),
                           QStringLiteral("The image build was cancelled."));
}

} // namespace

core::Result<BuildResult> ImageBuilder::runBuild(DockerConnection &connection, const BuildRequest &request,
                                                 const std::function<bool()> &cancelled,
                                                 const std::shared_ptr<Relay> &relay)
{
    auto info = connection.daemonInfo(cancelled);
    if (!info)
        return core::fail(info.error());
    bool buildKit =
        request.builder == BuilderKind::BuildKit || (request.builder == BuilderKind::Auto && info->buildKit);
    if (request.builder == BuilderKind::BuildKit && !info->buildKit)
        return core::fail(ErrorCategory::Docker, QStringLiteral("docker.build.no_buildkit"),
                          QStringLiteral("Docker %1 cannot build with BuildKit; use the classic builder.")
                              .arg(info->engineVersion));

    // The context goes to a temporary file: it is hashed for the tag before we know whether
    // to build at all, and then streamed from disk, so a huge context never sits in memory.
    QTemporaryFile tar(QDir::tempPath() + QStringLiteral("/reporunner-context-XXXXXX.tar"));
    if (!tar.open())
        return core::fail(ErrorCategory::Io, QStringLiteral("docker.context.tmp"),
                          QStringLiteral("Could not create a temporary file for the build context: %1")
                              .arg(tar.errorString()));
    tar.close();
    ContextArchiver archiver(request.contextDir, request.dockerfile);
    if (!request.dockerfileInline.isEmpty())
        archiver.setInlineDockerfile(request.dockerfileInline.toUtf8());
    archiver.setExtraHashInput((request.target + QLatin1Char('\n') + jsonMap(request.buildArgs)).toUtf8());
    archiver.setCancelCheck(cancelled);
    archiver.setProgress([relay](qint64 entries, qint64 bytes) {
        relay->post([entries, bytes](ImageBuilder *b) { Q_EMIT b->contextProgress(entries, bytes); });
    });
    auto stats = archiver.writeTar(tar.fileName());
    if (!stats)
        return core::fail(stats.error());

    BuildResult result;
    result.context = *stats;
    result.reference =
        request.tag.isEmpty() ? imageReference(request.repository, request.commit, stats->hash) : request.tag;
    if (result.reference.startsWith(QLatin1Char(':')))
        return core::fail(ErrorCategory::Internal, QStringLiteral("docker.build.no_tag"),
                          QStringLiteral("A build needs a repository or a tag."));

    const ApiRequest inspect =
        ApiRequest::get(QStringLiteral("/images/%1/json").arg(ApiRequest::pathSegment(result.reference)));
    if (!request.noCache) {
        auto existing = connection.callJson(inspect, cancelled);
        if (existing) {
            result.skipped = true;
            result.imageId = existing->toObject().value(QStringLiteral("Id")).toString();
            qCInfo(lcDocker) << "image" << result.reference << "exists; build skipped";
            relay->post([ref = result.reference](ImageBuilder *b) { Q_EMIT b->buildSkipped(ref); });
            return result;
        }
        if (existing.error().code != QLatin1String("docker.not_found"))
            return core::fail(existing.error());
    }

    QMap<QString, QString> labels = request.labels;
    labels.insert(QString::fromLatin1(ManagedByLabel), QStringLiteral("reporunner"));
    if (!request.repoLabel.isEmpty())
        labels.insert(QString::fromLatin1(RepoLabel), request.repoLabel);

    for (int attempt = 0; attempt < 2; ++attempt) {
        ApiRequest post;
        post.method = "POST";
        post.path = QStringLiteral("/build");
        post.contentType = "application/x-tar";
        post.bodyFile = tar.fileName();
        ApiRequest::addParam(post.query, QStringLiteral("t"), result.reference);
        ApiRequest::addParam(post.query, QStringLiteral("dockerfile"),
                             request.dockerfileInline.isEmpty()
                                 ? DockerIgnore::cleanPath(request.dockerfile)
                                 : QString::fromLatin1(ContextArchiver::InlineDockerfileName));
        ApiRequest::addParam(post.query, QStringLiteral("version"),
                             buildKit ? QStringLiteral("2") : QStringLiteral("1"));
        ApiRequest::addParam(post.query, QStringLiteral("rm"), QStringLiteral("1"));
        ApiRequest::addParam(post.query, QStringLiteral("forcerm"), QStringLiteral("1"));
        ApiRequest::addParam(post.query, QStringLiteral("labels"), jsonMap(labels));
        if (!request.buildArgs.isEmpty())
            ApiRequest::addParam(post.query, QStringLiteral("buildargs"), jsonMap(request.buildArgs));
        if (!request.target.isEmpty())
            ApiRequest::addParam(post.query, QStringLiteral("target"), request.target);
        if (request.noCache)
            ApiRequest::addParam(post.query, QStringLiteral("nocache"), QStringLiteral("1"));
        constexpr qint64 CpuPeriodMicros = 100000;
        const QString memory = QString::number(request.limits.memoryBytes);
        ApiRequest::addParam(post.query, QStringLiteral("memory"), memory);
        ApiRequest::addParam(post.query, QStringLiteral("memswap"), memory);
        ApiRequest::addParam(post.query, QStringLiteral("cpuperiod"), QString::number(CpuPeriodMicros));
        ApiRequest::addParam(post.query, QStringLiteral("cpuquota"),
                             QString::number(CpuPeriodMicros * request.limits.cpuMilli / 1000));

        BuildOutputParser parser;
        parser.onStep = [relay](const BuildStep &step) {
            relay->post([step](ImageBuilder *b) { Q_EMIT b->stepStarted(step); });
        };
        parser.onLog = [relay](const QString &step, const QString &line) {
            relay->post([step, line](ImageBuilder *b) { Q_EMIT b->logLine(step, line); });
        };
        qCInfo(lcDocker) << "building" << result.reference
                         << (buildKit ? "with BuildKit" : "with the classic builder");
        auto answer = connection.call(post, cancelled, [&parser](const QByteArray &chunk) {
            parser.feed(chunk);
            return true;
        });
        if (cancelled())
            return core::fail(cancelledError());
        if (!answer)
            return core::fail(answer.error());
        parser.finish();
        if (parser.hasFailed()) {
            if (buildKit && request.builder == BuilderKind::Auto && parser.needsClassicFallback()) {
                qCInfo(lcDocker) << "BuildKit needs a session here; retrying with the classic builder";
                buildKit = false;
                continue;
            }
            return core::fail(parser.error());
        }
        result.usedBuildKit = buildKit;
        result.imageId = parser.imageId();
        break;
    }
    if (!result.imageId.startsWith(QLatin1String("sha256:"))) {
        auto built = connection.callJson(inspect, cancelled);
        if (!built)
            return core::fail(ErrorCategory::Docker, QStringLiteral("docker.build.no_image"),
                              QStringLiteral("Docker finished the build but has no image %1: %2")
                                  .arg(result.reference, built.error().message));
        result.imageId = built->toObject().value(QStringLiteral("Id")).toString();
    }
    return result;
}

QFuture<core::Result<QStringList>> ImageBuilder::prune(const QString &repoLabel, int keep)
{
    const QStringList labels{QStringLiteral("%1=reporunner").arg(QLatin1String(ManagedByLabel)),
                             QStringLiteral("%1=%2").arg(QLatin1String(RepoLabel), repoLabel)};
    const ApiRequest list =
        ApiRequest::get(QStringLiteral("/images/json"), DockerClient::labelFilter(labels));
    return m_client->run<QStringList>(
        [list, keep](DockerConnection &c,
                     const DockerClient::CancelCheck &cancelled) -> core::Result<QStringList> {
            auto images = c.callJson(list, cancelled);
            if (!images)
                return core::fail(images.error());
            QList<QJsonObject> sorted;
            for (const QJsonValue &v : images->toArray())
                sorted.append(v.toObject());
            std::sort(sorted.begin(), sorted.end(), [](const QJsonObject &a, const QJsonObject &b) {
                return a.value(QStringLiteral("Created")).toInteger() >
                       b.value(QStringLiteral("Created")).toInteger();
            });
            QStringList removed;
            for (qsizetype i = std::max(keep, 0); i < sorted.size(); ++i) {
                // Removing each tag (not the id) deletes the image with its last tag and never
                // needs force, so an image a container still uses stays.
                QStringList refs;
                for (const QJsonValue &t : sorted[i].value(QStringLiteral("RepoTags")).toArray())
                    if (t.toString() != QLatin1String("<none>:<none>"))
                        refs << t.toString();
                if (refs.isEmpty())
                    refs << sorted[i].value(QStringLiteral("Id")).toString();
                for (const QString &ref : std::as_const(refs)) {
                    auto gone = c.call(
                        ApiRequest::del(QStringLiteral("/images/%1").arg(ApiRequest::pathSegment(ref))),
                        cancelled);
                    if (gone)
                        removed << ref;
                    else if (gone.error().category == ErrorCategory::Cancelled)
                        return core::fail(gone.error());
                    else
                        qCInfo(lcDocker) << "keeping" << ref << gone.error().message;
                }
            }
            return removed;
        });
}

} // namespace rr::docker
