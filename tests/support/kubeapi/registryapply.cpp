// Server-side apply, deletion, garbage collection and namespace termination for Registry.
#include "jsonutil.h"
#include "registry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace rr::test::kubeapi {

namespace {
bool isTrackedLeaf(const QStringList &p)
{
    if (p.first() == QLatin1String("apiVersion") || p.first() == QLatin1String("kind") ||
        p.first() == QLatin1String("status"))
        return false;
    if (p.first() == QLatin1String("metadata"))
        return p.value(1) == QLatin1String("labels") || p.value(1) == QLatin1String("annotations");
    return true;
}

QString dotted(const QStringList &p)
{
    return QLatin1Char('.') + p.join(QLatin1Char('.'));
}
} // namespace

Outcome Registry::apply(const ResourceType &type, const QString &ns, const QString &name, QJsonObject body,
                        const WriteOptions &opts)
{
    Outcome out;
    if (opts.fieldManager.isEmpty()) {
        out.error =
            ApiStatus::badRequest(QStringLiteral("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: "
                                                 "Required value: is required for apply patch"));
        return out;
    }
    if (body.value(QStringLiteral("apiVersion")).toString() != type.apiVersion() ||
        body.value(QStringLiteral("kind")).toString() != type.kind) {
        out.error = ApiStatus::badRequest(
            QStringLiteral("the body of the request was in an unknown format - "
                           "accepted media types include: application/apply-patch+yaml"));
        if (!body.value(QStringLiteral("kind")).toString().isEmpty())
            out.error->message =
                QStringLiteral("%1 in version \"%2\" cannot be handled as a %3: apply patch kind "
                               "%4 does not match the resource")
                    .arg(type.kind, type.version, type.kind, body.value(QStringLiteral("kind")).toString());
        return out;
    }
    if (metaString(body, "name") != name) {
        out.error = ApiStatus::badRequest(
            QStringLiteral("the name of the object (%1) does not match the name on the URL (%2)")
                .arg(metaString(body, "name"), name));
        return out;
    }
    // Apply always refuses unknown fields, whatever fieldValidation says, and a real API server
    // does it while building the typed patch: HTTP 500 with no reason, not a 400 decoding error.
    if (auto err = decode(type, &body, QStringLiteral("Strict"), &out.warnings)) {
        if (err->message.contains(QLatin1String("unknown field \""))) {
            const QString field =
                err->message.section(QStringLiteral("unknown field \""), 1).section(QLatin1Char('"'), 0, 0);
            ApiStatus typed;
            typed.code = 500;
            typed.hasDetails = false;
            typed.message =
                QStringLiteral("failed to create typed patch object (%1/%2; %3, Kind=%4): .%5: field not "
                               "declared in schema")
                    .arg(type.namespaced ? ns : QString(), name, type.apiVersion(), type.kind, field);
            err = typed;
        }
        out.error = err;
        return out;
    }
    QList<QStringList> mine = leafPaths(body);
    mine.erase(
        std::remove_if(mine.begin(), mine.end(), [](const QStringList &p) { return !isTrackedLeaf(p); }),
        mine.end());
    const QJsonObject applied{{QStringLiteral("manager"), opts.fieldManager},
                              {QStringLiteral("operation"), QStringLiteral("Apply")},
                              {QStringLiteral("apiVersion"), type.apiVersion()},
                              {QStringLiteral("time"), nowRfc3339()},
                              {QStringLiteral("fieldsType"), QStringLiteral("FieldsV1")},
                              {QStringLiteral("fieldsV1"), fieldsV1(mine)}};
    const auto current = m_store->get(type, type.namespaced ? ns : QString(), name);
    if (!current) {
        WriteOptions createOpts = opts;
        createOpts.fieldManager.clear();
        createOpts.fieldValidation = QStringLiteral("Strict");
        out = create(type, ns, body, createOpts);
        if (out.error || opts.dryRun)
            return out;
        QJsonObject o = out.object;
        QJsonObject m = meta(o);
        m.insert(QStringLiteral("managedFields"), QJsonArray{applied});
        o.insert(QStringLiteral("metadata"), m);
        out.object = m_store->put(type, o);
        return out;
    }
    // Ownership: every other manager's fields that this apply sets to a different value conflict.
    QJsonObject object = *current;
    QJsonArray managed = meta(object).value(QStringLiteral("managedFields")).toArray();
    QList<QStringList> previouslyMine;
    QStringList conflicts;
    QString conflictManager;
    QJsonArray kept;
    QList<QList<QStringList>> others;
    for (const QJsonValue &entryValue : managed) {
        QJsonObject entry = entryValue.toObject();
        QList<QStringList> owned = leavesFromFieldsV1(entry.value(QStringLiteral("fieldsV1")).toObject());
        if (entry.value(QStringLiteral("manager")).toString() == opts.fieldManager &&
            entry.value(QStringLiteral("operation")).toString() == QLatin1String("Apply")) {
            previouslyMine = owned;
            continue;
        }
        QList<QStringList> remaining;
        for (const QStringList &leaf : owned) {
            if (mine.contains(leaf) && valueAt(object, leaf) != valueAt(body, leaf)) {
                conflicts << dotted(leaf);
                conflictManager = entry.value(QStringLiteral("manager")).toString();
            } else {
                remaining << leaf;
            }
        }
        if (opts.force) {
            entry.insert(QStringLiteral("fieldsV1"), fieldsV1(remaining));
            owned = remaining;
        }
        others << owned;
        if (!owned.isEmpty())
            kept.append(entry);
    }
    if (!conflicts.isEmpty() && !opts.force) {
        ApiStatus s = ApiStatus::conflict(type, name, QString());
        s.message =
            conflicts.size() == 1
                ? QStringLiteral("Apply failed with 1 conflict: conflict with \"%1\" using %2: %3")
                      .arg(conflictManager, type.apiVersion(), conflicts.first())
                : QStringLiteral("Apply failed with %1 conflicts: conflicts with \"%2\" using %3:\n- %4")
                      .arg(conflicts.size())
                      .arg(conflictManager, type.apiVersion(), conflicts.join(QStringLiteral("\n- ")));
        for (const QString &c : conflicts)
            s.causes << StatusCause{
                QStringLiteral("FieldManagerConflict"),
                QStringLiteral("conflict with \"%1\" using %2").arg(conflictManager, type.apiVersion()), c};
        out.error = s;
        return out;
    }
    // Fields this manager applied before but dropped now are removed unless someone else owns them.
    for (const QStringList &leaf : previouslyMine) {
        bool ownedElsewhere = mine.contains(leaf);
        for (const auto &o : others)
            ownedElsewhere = ownedElsewhere || o.contains(leaf);
        if (!ownedElsewhere)
            setValueAt(&object, leaf, QJsonValue(QJsonValue::Undefined));
    }
    for (const QStringList &leaf : mine)
        setValueAt(&object, leaf, valueAt(body, leaf));
    kept.append(applied);
    const QList<StatusCause> causes = validate(type, object);
    if (!causes.isEmpty()) {
        out.error = ApiStatus::invalid(type, name, causes);
        return out;
    }
    applyDefaults(type, &object);
    QJsonObject m = meta(object);
    const bool specChanged = object.value(QStringLiteral("spec")) != current->value(QStringLiteral("spec"));
    if (type.hasGeneration && specChanged)
        m.insert(QStringLiteral("generation"), m.value(QStringLiteral("generation")).toInt() + 1);
    m.insert(QStringLiteral("managedFields"), kept);
    object.insert(QStringLiteral("metadata"), m);
    out.code = 200;
    out.object = opts.dryRun ? object : m_store->put(type, object);
    return out;
}

Outcome Registry::remove(const ResourceType &type, const QString &ns, const QString &name,
                         const QJsonObject &options, bool dryRun)
{
    Outcome out;
    const QString storeNs = type.namespaced ? ns : QString();
    const auto current = m_store->get(type, storeNs, name);
    if (!current) {
        out.error = ApiStatus::notFound(type, name);
        return out;
    }
    QJsonObject object = *current;
    QJsonObject m = meta(object);
    const QString uid = m.value(QStringLiteral("uid")).toString();
    const QString precondition =
        options.value(QStringLiteral("preconditions")).toObject().value(QStringLiteral("uid")).toString();
    if (!precondition.isEmpty() && precondition != uid) {
        out.error = ApiStatus::conflict(
            type, name,
            QStringLiteral("Precondition failed: UID in precondition: %1, UID in object meta: %2")
                .arg(precondition, uid));
        return out;
    }
    if (type.kind == QLatin1String("Namespace")) {
        if (m.contains(QStringLiteral("deletionTimestamp"))) {
            out.error = ApiStatus::conflict(
                type, name,
                QStringLiteral(
                    "The system is ensuring all content is removed from this namespace.  Upon completion, "
                    "this namespace will automatically be purged by the system."));
            return out;
        }
        m.insert(QStringLiteral("deletionTimestamp"), nowRfc3339());
        object.insert(QStringLiteral("metadata"), m);
        object.insert(QStringLiteral("status"),
                      QJsonObject{{QStringLiteral("phase"), QStringLiteral("Terminating")}});
        if (dryRun) {
            out.object = object;
            return out;
        }
        out.object = m_store->put(type, object);
        QTimer::singleShot(m_config->namespaceTerminationMs, this,
                           [this, name] { terminateNamespace(name); });
        return out;
    }
    if (type.kind == QLatin1String("Pod")) {
        if (m.contains(QStringLiteral("deletionTimestamp"))) {
            out.object = object;
            return out;
        }
        const int grace =
            options.contains(QStringLiteral("gracePeriodSeconds"))
                ? options.value(QStringLiteral("gracePeriodSeconds")).toInt()
                : valueAt(object, {QStringLiteral("spec"), QStringLiteral("terminationGracePeriodSeconds")})
                      .toInt(30);
        const bool scheduled =
            !valueAt(object, {QStringLiteral("spec"), QStringLiteral("nodeName")}).toString().isEmpty();
        if (dryRun) {
            out.object = object;
            return out;
        }
        if (grace > 0 && scheduled) {
            m.insert(QStringLiteral("deletionTimestamp"), nowRfc3339());
            m.insert(QStringLiteral("deletionGracePeriodSeconds"), grace);
            object.insert(QStringLiteral("metadata"), m);
            out.object = m_store->put(type, object);
            QTimer::singleShot(m_config->podTerminationMs, this,
                               [this, ns, name, uid] { finishPodDeletion(ns, name, uid); });
            return out;
        }
        m_store->remove(type, ns, name);
        out.object = object;
        return out;
    }
    if (dryRun) {
        out.object = object;
        return out;
    }
    m_store->remove(type, storeNs, name);
    const QString policy = options.value(QStringLiteral("propagationPolicy")).toString();
    const bool orphan = policy == QLatin1String("Orphan") ||
                        (policy.isEmpty() && (options.value(QStringLiteral("orphanDependents")).toBool() ||
                                              type.kind == QLatin1String("Job")));
    QTimer::singleShot(0, this, [this, ns, uid, orphan] { collectDependents(ns, uid, orphan); });
    out.object = QJsonObject{{QStringLiteral("kind"), QStringLiteral("Status")},
                             {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                             {QStringLiteral("metadata"), QJsonObject()},
                             {QStringLiteral("status"), QStringLiteral("Success")},
                             {QStringLiteral("details"), QJsonObject{{QStringLiteral("name"), name},
                                                                     {QStringLiteral("group"), type.group},
                                                                     {QStringLiteral("kind"), type.plural},
                                                                     {QStringLiteral("uid"), uid}}}};
    if (type.group.isEmpty()) {
        QJsonObject d = out.object.value(QStringLiteral("details")).toObject();
        d.remove(QStringLiteral("group"));
        out.object.insert(QStringLiteral("details"), d);
    }
    return out;
}

void Registry::finishPodDeletion(const QString &ns, const QString &name, const QString &uid)
{
    const auto pod = m_store->get(Registry::type("pods"), ns, name);
    if (pod && metaString(*pod, "uid") == uid)
        m_store->remove(Registry::type("pods"), ns, name);
}

void Registry::collectDependents(const QString &ns, const QString &uid, bool orphan)
{
    for (const char *plural : {"replicasets", "pods"}) {
        const ResourceType &t = type(plural);
        for (QJsonObject o : m_store->list(t, ns)) {
            QJsonObject m = meta(o);
            const QJsonArray refs = m.value(QStringLiteral("ownerReferences")).toArray();
            bool owned = false;
            QJsonArray rest;
            for (const QJsonValue &r : refs) {
                if (r.toObject().value(QStringLiteral("uid")).toString() == uid)
                    owned = true;
                else
                    rest.append(r);
            }
            if (!owned)
                continue;
            if (orphan) {
                m.insert(QStringLiteral("ownerReferences"), rest);
                o.insert(QStringLiteral("metadata"), m);
                m_store->put(t, o);
            } else {
                remove(t, ns, m.value(QStringLiteral("name")).toString(), QJsonObject(), false);
            }
        }
    }
}

void Registry::terminateNamespace(const QString &name)
{
    // Everything except pods goes at once; pods take their grace period, then the namespace goes.
    bool podsLeft = false;
    for (const ResourceType &t : ResourceType::all()) {
        if (!t.namespaced)
            continue;
        for (const QJsonObject &o : m_store->list(t, name)) {
            if (t.kind == QLatin1String("Pod")) {
                podsLeft = true;
                if (!meta(o).contains(QStringLiteral("deletionTimestamp")))
                    remove(t, name, nameOf(o), QJsonObject(), false);
            } else {
                m_store->remove(t, name, nameOf(o));
            }
        }
    }
    if (podsLeft) {
        QTimer::singleShot(50, this, [this, name] { terminateNamespace(name); });
        return;
    }
    m_store->remove(Registry::type("namespaces"), QString(), name);
}

} // namespace rr::test::kubeapi
