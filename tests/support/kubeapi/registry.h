#pragma once

#include "apistatus.h"
#include "objectstore.h"
#include "schema.h"
#include "serverconfig.h"

#include <QObject>
#include <optional>

namespace rr::test::kubeapi {

struct WriteOptions
{
    bool dryRun = false;
    bool force = false;
    QString fieldManager;
    QString fieldValidation; // Strict, Warn (default) or Ignore
};

// The result of one API operation: an object (code 200/201) or a Status error.
struct Outcome
{
    int code = 200;
    QJsonObject object;
    std::optional<ApiStatus> error;
    QStringList warnings;
};

// API semantics on top of the store: defaults, strict decoding, validation, admission (namespace
// lifecycle, Pod Security), server-side apply ownership, graceful deletion and garbage collection.
class Registry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Registry)

public:
    Registry(ObjectStore *store, const Schema *schema, ServerConfig *config, QObject *parent = nullptr);

    ObjectStore *store() const { return m_store; }
    Outcome create(const ResourceType &type, const QString &ns, QJsonObject body, const WriteOptions &opts);
    Outcome replace(const ResourceType &type, const QString &ns, const QString &name, QJsonObject body,
                    const WriteOptions &opts);
    Outcome apply(const ResourceType &type, const QString &ns, const QString &name, QJsonObject body,
                  const WriteOptions &opts);
    Outcome patch(const ResourceType &type, const QString &ns, const QString &name, const QJsonObject &patch,
                  const WriteOptions &opts);
    Outcome remove(const ResourceType &type, const QString &ns, const QString &name,
                   const QJsonObject &options, bool dryRun);
    // Controller write: replaces the object as is (status updates), bumping resourceVersion.
    QJsonObject write(const ResourceType &type, const QJsonObject &object);
    // Records or aggregates a core/v1 Event about `involved`.
    void recordEvent(const ResourceType &involvedType, const QJsonObject &involved, const QString &type,
                     const QString &reason, const QString &message);

    static const ResourceType &type(const char *plural);

private:
    std::optional<ApiStatus> decode(const ResourceType &type, QJsonObject *body, const QString &validation,
                                    QStringList *warnings) const;
    std::optional<ApiStatus> checkNamespace(const ResourceType &type, const QString &ns,
                                            const QString &name) const;
    QList<StatusCause> validate(const ResourceType &type, const QJsonObject &object) const;
    std::optional<ApiStatus> admitPod(const QString &ns, const QJsonObject &pod) const;
    void applyDefaults(const ResourceType &type, QJsonObject *object) const;
    QJsonObject initialize(const ResourceType &type, const QString &ns, QJsonObject object) const;
    void afterCreate(const ResourceType &type, const QJsonObject &object);
    void finishPodDeletion(const QString &ns, const QString &name, const QString &uid);
    void terminateNamespace(const QString &name);
    void collectDependents(const QString &ns, const QString &uid, bool orphan);

    ObjectStore *m_store;
    const Schema *m_schema;
    ServerConfig *m_config;
    int m_serviceIp = 10;
};

} // namespace rr::test::kubeapi
