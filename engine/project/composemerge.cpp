#include "project/composemerge.h"

#include "project/composesyntax.h"

#include <functional>

namespace rr::project {

namespace {

using KeyFn = std::function<QString(const YamlNode &)>;

void appendUnique(YamlNode &base, const YamlNode &over, const KeyFn &keyOf, bool replaceSameKey)
{
    for (const YamlNode &item : over.children) {
        const QString key = keyOf(item);
        bool found = false;
        for (YamlNode &existing : base.children) {
            if (keyOf(existing) == key) {
                found = true;
                if (replaceSameKey)
                    existing = item;
                break;
            }
        }
        if (!found)
            base.children.push_back(item);
    }
}

QString grantTarget(const YamlNode &n)
{
    if (n.isMapping()) {
        const YamlNode *t = n.get(QStringLiteral("target"));
        const YamlNode *s = n.get(QStringLiteral("source"));
        return t ? t->text() : (s ? s->text() : QString());
    }
    return n.text();
}

void mergeNode(YamlNode &base, const YamlNode &over, const QString &key);

void mergeMapping(YamlNode &base, const YamlNode &over, const QString &context)
{
    for (qsizetype i = 0; i < over.keys.size(); ++i) {
        const QString &key = over.keys[i];
        const YamlNode &value = over.children[size_t(i)];
        if (value.tag == QLatin1String("!reset")) {
            base.remove(key);
            continue;
        }
        YamlNode *existing = base.get(key);
        if (!existing || value.tag == QLatin1String("!override")) {
            YamlNode copy = value;
            copy.tag.clear();
            base.set(key, std::move(copy), over.keyWhere.value(i));
            continue;
        }
        // Shell commands replace rather than merge.
        if (key == QLatin1String("command") || key == QLatin1String("entrypoint") ||
            (context == QLatin1String("healthcheck") && key == QLatin1String("test"))) {
            *existing = value;
            continue;
        }
        mergeNode(*existing, value, key);
    }
}

void mergeNode(YamlNode &base, const YamlNode &over, const QString &key)
{
    if (base.isMapping() && over.isMapping()) {
        mergeMapping(base, over, key);
        return;
    }
    if (base.isSequence() && over.isSequence()) {
        if (key == QLatin1String("volumes") || key == QLatin1String("devices"))
            appendUnique(
                base, over, [](const YamlNode &n) { return ComposeSyntax::volumeTarget(n); }, true);
        else if (key == QLatin1String("secrets") || key == QLatin1String("configs"))
            appendUnique(base, over, grantTarget, true);
        else
            appendUnique(base, over, ComposeMerge::fingerprint, false);
        return;
    }
    base = over;
}

} // namespace

QString ComposeMerge::fingerprint(const YamlNode &node)
{
    switch (node.kind) {
    case YamlNode::Kind::Null:
        return QStringLiteral("~");
    case YamlNode::Kind::Scalar:
        return QLatin1Char('"') + node.scalar + QLatin1Char('"');
    case YamlNode::Kind::Sequence: {
        QStringList parts;
        for (const YamlNode &c : node.children)
            parts << fingerprint(c);
        return QLatin1Char('[') + parts.join(QLatin1Char(',')) + QLatin1Char(']');
    }
    case YamlNode::Kind::Mapping: {
        QStringList parts;
        for (qsizetype i = 0; i < node.keys.size(); ++i)
            parts << node.keys[i] + QLatin1Char(':') + fingerprint(node.children[size_t(i)]);
        parts.sort();
        return QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
    }
    }
    return {};
}

void ComposeMerge::mergeService(YamlNode &base, const YamlNode &over)
{
    if (!base.isMapping() || !over.isMapping()) {
        base = over;
        return;
    }
    mergeMapping(base, over, QStringLiteral("service"));
}

void ComposeMerge::mergeDocument(YamlNode &base, const YamlNode &over)
{
    if (!base.isMapping()) {
        base = over;
        return;
    }
    for (qsizetype i = 0; i < over.keys.size(); ++i) {
        const QString &key = over.keys[i];
        const YamlNode &value = over.children[size_t(i)];
        YamlNode *existing = base.get(key);
        if (key == QLatin1String("services") && existing && existing->isMapping() && value.isMapping()) {
            for (qsizetype s = 0; s < value.keys.size(); ++s) {
                const YamlNode &svc = value.children[size_t(s)];
                YamlNode *have = existing->get(value.keys[s]);
                if (svc.tag == QLatin1String("!reset"))
                    existing->remove(value.keys[s]);
                else if (have && svc.tag != QLatin1String("!override"))
                    mergeService(*have, svc);
                else
                    existing->set(value.keys[s], svc, value.keyWhere.value(s));
            }
            continue;
        }
        if (existing && existing->isMapping() && value.isMapping())
            mergeMapping(*existing, value, key);
        else
            base.set(key, value, over.keyWhere.value(i));
    }
}

} // namespace rr::project
