#include "project/yamlreader.h"

#include <QStringDecoder>

#include <yaml-cpp/yaml.h>

#include <vector>

namespace rr::project {

using core::ErrorCategory;
using core::Location;

namespace {

struct Converter
{
    QString file;
    int nodes = 0;
    std::optional<core::Error> error;

    Location at(const YAML::Mark &m) const
    {
        if (m.is_null())
            return Location{file, 0, 0};
        return Location{file, m.line + 1, m.column + 1};
    }

    bool failWith(const QString &code, const QString &message, const Location &where)
    {
        if (!error)
            error = core::makeError(ErrorCategory::Compose, code, message, where);
        return false;
    }

    bool convert(const YAML::Node &in, YamlNode &out, int depth)
    {
        if (++nodes > YamlReader::MaxNodes)
            return failWith(QStringLiteral("compose.yaml.too_large"),
                            QStringLiteral("The document expands to more than %1 values (too many aliases?)")
                                .arg(YamlReader::MaxNodes),
                            at(in.Mark()));
        if (depth > YamlReader::MaxDepth)
            return failWith(
                QStringLiteral("compose.yaml.too_deep"),
                QStringLiteral("The document is nested more than %1 levels deep").arg(YamlReader::MaxDepth),
                at(in.Mark()));
        out.where = at(in.Mark());
        const std::string &tag = in.Tag();
        if (!tag.empty() && tag != "?" && tag != "!")
            out.tag = QString::fromStdString(tag);
        switch (in.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            out.kind = YamlNode::Kind::Null;
            return true;
        case YAML::NodeType::Scalar:
            out.kind = YamlNode::Kind::Scalar;
            out.scalar = QString::fromStdString(in.Scalar());
            // yaml-cpp tags plain scalars "?" and quoted or block scalars "!".
            out.plain = tag == "?";
            return true;
        case YAML::NodeType::Sequence:
            out.kind = YamlNode::Kind::Sequence;
            for (const YAML::Node &item : in) {
                YamlNode child;
                if (!convert(item, child, depth + 1))
                    return false;
                out.children.push_back(std::move(child));
            }
            return true;
        case YAML::NodeType::Map:
            return convertMap(in, out, depth);
        }
        return true;
    }

    bool convertMap(const YAML::Node &in, YamlNode &out, int depth)
    {
        out.kind = YamlNode::Kind::Mapping;
        std::vector<YamlNode> merges;
        for (auto it = in.begin(); it != in.end(); ++it) {
            // Copies: `it->` yields a temporary pair, so references into it would dangle.
            const YAML::Node k = it->first;
            const YAML::Node v = it->second;
            if (!k.IsScalar() && !k.IsNull())
                return failWith(QStringLiteral("compose.yaml.key"),
                                QStringLiteral("Mapping keys must be plain strings"), at(k.Mark()));
            const QString key = k.IsNull() ? QString() : QString::fromStdString(k.Scalar());
            YamlNode value;
            if (!convert(v, value, depth + 1))
                return false;
            if (key == QLatin1String("<<") && k.Tag() == "?") {
                merges.push_back(std::move(value));
                continue;
            }
            if (out.keys.contains(key))
                return failWith(QStringLiteral("compose.yaml.duplicate_key"),
                                QStringLiteral("Duplicate key '%1'").arg(key), at(k.Mark()));
            out.keys.append(key);
            out.keyWhere.append(at(k.Mark()));
            out.children.push_back(std::move(value));
        }
        // `<<: *a` or `<<: [*a, *b]`: explicit keys win, then earlier maps win over later ones.
        for (const YamlNode &m : merges) {
            std::vector<const YamlNode *> sources;
            if (m.isMapping())
                sources.push_back(&m);
            else if (m.isSequence()) {
                for (const YamlNode &s : m.children) {
                    if (!s.isMapping())
                        return failWith(QStringLiteral("compose.yaml.merge"),
                                        QStringLiteral("A '<<' merge list may only contain mappings"),
                                        s.where);
                    sources.push_back(&s);
                }
            } else
                return failWith(QStringLiteral("compose.yaml.merge"),
                                QStringLiteral("A '<<' merge key needs a mapping or a list of mappings"),
                                m.where);
            for (const YamlNode *src : sources) {
                for (qsizetype i = 0; i < src->keys.size(); ++i) {
                    if (out.keys.contains(src->keys[i]))
                        continue;
                    if (++nodes > YamlReader::MaxNodes)
                        return failWith(QStringLiteral("compose.yaml.too_large"),
                                        QStringLiteral("The document expands to too many values"), m.where);
                    out.keys.append(src->keys[i]);
                    out.keyWhere.append(src->keyWhere.value(i));
                    out.children.push_back(src->children[size_t(i)]);
                }
            }
        }
        return true;
    }
};

bool isValidUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    return !decoder.hasError();
}

} // namespace

int YamlReader::estimateDepth(const QByteArray &bytes)
{
    std::vector<int> indents;
    int flow = 0;
    int maxDepth = 0;
    qsizetype pos = 0;
    const qsizetype n = bytes.size();
    while (pos < n) {
        qsizetype end = bytes.indexOf('\n', pos);
        if (end < 0)
            end = n;
        qsizetype i = pos;
        while (i < end && (bytes[i] == ' ' || bytes[i] == '\t'))
            ++i;
        const int indent = int(i - pos);
        if (i < end && bytes[i] != '#' && bytes[i] != '\r') {
            if (flow == 0) {
                while (!indents.empty() && indents.back() > indent)
                    indents.pop_back();
                if (indents.empty() || indents.back() < indent)
                    indents.push_back(indent);
            }
            int compact = 0;
            int lineFlowMax = flow;
            char quote = 0;
            for (qsizetype j = i; j < end; ++j) {
                const char c = bytes[j];
                const bool tokenStart = j == i || bytes[j - 1] == ' ' || bytes[j - 1] == '[' ||
                                        bytes[j - 1] == '{' || bytes[j - 1] == ',';
                if (quote) {
                    if (quote == '"' && c == '\\')
                        ++j;
                    else if (c == quote)
                        quote = 0;
                    continue;
                }
                if (c == '#' && (j == i || bytes[j - 1] == ' '))
                    break;
                if ((c == '"' || c == '\'') && tokenStart)
                    quote = c;
                else if ((c == '-' || c == '?' || c == ':') && (j + 1 == end || bytes[j + 1] == ' '))
                    ++compact;
                else if (c == '[' || c == '{')
                    lineFlowMax = std::max(lineFlowMax, ++flow);
                else if ((c == ']' || c == '}') && flow > 0)
                    --flow;
            }
            maxDepth = std::max(maxDepth, int(indents.size()) + compact + lineFlowMax);
        }
        pos = end + 1;
    }
    return maxDepth;
}

core::Result<YamlNode> YamlReader::parse(const QByteArray &bytes, const QString &fileLabel)
{
    if (bytes.contains('\0') || !isValidUtf8(bytes))
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.file.binary"),
                          QStringLiteral("This is not a text YAML file (binary or not UTF-8)"),
                          Location{fileLabel, 0, 0});
    if (estimateDepth(bytes) > MaxDepth)
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.yaml.too_deep"),
                          QStringLiteral("The document is nested more than %1 levels deep").arg(MaxDepth),
                          Location{fileLabel, 0, 0});
    YAML::Node root;
    try {
        root = YAML::Load(bytes.toStdString());
    } catch (const YAML::Exception &e) {
        const Location where{fileLabel, e.mark.is_null() ? 0 : e.mark.line + 1,
                             e.mark.is_null() ? 0 : e.mark.column + 1};
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.yaml.syntax"),
                          QStringLiteral("Invalid YAML: %1").arg(QString::fromStdString(e.msg)), where);
    } catch (const std::exception &e) {
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.yaml.syntax"),
                          QStringLiteral("Invalid YAML: %1").arg(QString::fromUtf8(e.what())),
                          Location{fileLabel, 0, 0});
    }
    Converter conv;
    conv.file = fileLabel;
    YamlNode out;
    try {
        if (!conv.convert(root, out, 0))
            return core::fail(*conv.error);
    } catch (const std::exception &e) {
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.yaml.syntax"),
                          QStringLiteral("Invalid YAML: %1").arg(QString::fromUtf8(e.what())),
                          Location{fileLabel, 0, 0});
    }
    return out;
}

} // namespace rr::project
