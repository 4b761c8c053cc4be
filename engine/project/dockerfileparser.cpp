#include "project/dockerfileparser.h"

#include "core/units.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace rr::project {

namespace {

constexpr qint64 MaxDockerfileBytes = 1024 * 1024;

struct Instruction
{
    QString keyword; // upper-case
    QString args;    // rest of the logical line, continuations joined
    int line = 0;
};

// Splits Dockerfile text into logical instructions: honours the `escape` directive,
// line continuations, comment lines and heredoc bodies (skipped, never parsed).
QList<Instruction> splitInstructions(const QString &text)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    QChar escape = QLatin1Char('\\');
    static const QRegularExpression directive(QStringLiteral("^#\\s*([a-zA-Z]+)\\s*=\\s*(\\S+)\\s*$"));
    static const QRegularExpression heredoc(QStringLiteral("<<(-?)[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?"));
    int i = 0;
    for (; i < lines.size(); ++i) {
        const auto m = directive.match(lines.at(i).trimmed());
        if (!m.hasMatch())
            break;
        if (m.captured(1).compare(QLatin1String("escape"), Qt::CaseInsensitive) == 0 &&
            !m.captured(2).isEmpty())
            escape = m.captured(2).at(0);
    }

    QList<Instruction> out;
    Instruction current;
    bool continuing = false;
    for (; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(QLatin1Char('#')) || (!continuing && trimmed.isEmpty()))
            continue;
        const bool continues = trimmed.endsWith(escape);
        QString part = continues ? trimmed.left(trimmed.size() - 1) : trimmed;
        if (!continuing) {
            current = Instruction{};
            current.line = i + 1;
            const qsizetype space = part.indexOf(QRegularExpression(QStringLiteral("\\s")));
            current.keyword = (space < 0 ? part : part.left(space)).toUpper();
            current.args = space < 0 ? QString() : part.mid(space + 1).trimmed();
        } else {
            current.args += QLatin1Char(' ') + part;
        }
        continuing = continues;
        if (continuing)
            continue;
        // Heredoc bodies (RUN <<EOF ... EOF) are data, not instructions.
        auto hd = heredoc.globalMatch(current.args);
        while (hd.hasNext()) {
            const auto m = hd.next();
            const QString word = m.captured(2);
            const bool stripTabs = !m.captured(1).isEmpty();
            while (++i < lines.size()) {
                QString body = lines.at(i);
                if (body.endsWith(QLatin1Char('\r')))
                    body.chop(1);
                if ((stripTabs ? body.trimmed() : body) == word)
                    break;
            }
        }
        out.append(current);
    }
    if (continuing)
        out.append(current);
    return out;
}

// Expands $VAR, ${VAR}, ${VAR:-d} and ${VAR:+r} against ARG/ENV values in scope.
QString expand(const QString &text, const QMap<QString, QString> &vars)
{
    static const QRegularExpression re(
        QStringLiteral("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\\}|([A-Za-z_][A-Za-z0-9_]*))"));
    QString out;
    qsizetype last = 0;
    auto it = re.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        out += text.mid(last, m.capturedStart() - last);
        last = m.capturedEnd();
        const QString name = m.captured(1).isEmpty() ? m.captured(4) : m.captured(1);
        const bool set = vars.contains(name);
        const QString value = vars.value(name);
        const QString op = m.captured(2);
        if (op.endsWith(QLatin1Char('-')))
            out += (set && !(op.startsWith(QLatin1Char(':')) && value.isEmpty())) ? value : m.captured(3);
        else if (op.endsWith(QLatin1Char('+')))
            out += (set && !(op.startsWith(QLatin1Char(':')) && value.isEmpty())) ? m.captured(3) : QString();
        else
            out += value;
    }
    out += text.mid(last);
    return out;
}

// JSON-array form `["a","b"]`, or nullopt for shell form.
std::optional<QStringList> jsonForm(const QString &args)
{
    if (!args.startsWith(QLatin1Char('[')))
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(args.toUtf8());
    if (!doc.isArray())
        return std::nullopt;
    QStringList out;
    for (const QJsonValue &v : doc.array()) {
        if (!v.isString())
            return std::nullopt;
        out << v.toString();
    }
    return out;
}

QStringList execForm(const QString &args)
{
    if (auto json = jsonForm(args))
        return *json;
    return {QStringLiteral("/bin/sh"), QStringLiteral("-c"), args};
}

struct Stage
{
    QString name;
    DockerfileFacts facts;
    QMap<QString, QString> vars; // ARG and ENV values visible in this stage
};

core::Result<void> applyExpose(Stage &stage, const Instruction &ins, const QString &path)
{
    static const QRegularExpression portRe(QStringLiteral("^(\\d+)(?:-(\\d+))?(?:/(tcp|udp|sctp))?$"),
                                           QRegularExpression::CaseInsensitiveOption);
    for (const QString &token : expand(ins.args, stage.vars).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const auto m = portRe.match(token);
        const int port = m.captured(1).toInt();
        const int end = m.captured(2).isEmpty() ? port : m.captured(2).toInt();
        if (!m.hasMatch() || port < 1 || port > 65535 || end < port || end > 65535)
            return core::fail(core::ErrorCategory::Project, QStringLiteral("dockerfile.expose"),
                              QStringLiteral("EXPOSE has an invalid port \"%1\"").arg(token),
                              {path, ins.line, 0});
        PortMapping p;
        p.target = port;
        p.targetEnd = end;
        p.protocol = m.captured(3).isEmpty() ? QStringLiteral("tcp") : m.captured(3).toLower();
        p.where = {path, ins.line, 0};
        stage.facts.exposes.append(p);
    }
    return {};
}

core::Result<void> applyHealthcheck(Stage &stage, const Instruction &ins, const QString &path)
{
    HealthCheck hc;
    hc.where = {path, ins.line, 0};
    QString rest = ins.args;
    if (rest.trimmed().compare(QLatin1String("NONE"), Qt::CaseInsensitive) == 0) {
        hc.disable = true;
        stage.facts.healthcheck = hc;
        return {};
    }
    static const QRegularExpression flag(QStringLiteral("^--([a-z-]+)=(\\S+)\\s*"));
    for (auto m = flag.match(rest); m.hasMatch(); m = flag.match(rest)) {
        const QString name = m.captured(1);
        const QString value = m.captured(2);
        rest = rest.mid(m.capturedEnd());
        if (name == QLatin1String("retries")) {
            hc.retries = value.toInt();
            continue;
        }
        const auto ms = core::units::parseDurationMs(value);
        if (!ms)
            return core::fail(
                core::ErrorCategory::Project, QStringLiteral("dockerfile.healthcheck"),
                QStringLiteral("HEALTHCHECK --%1 has an invalid duration \"%2\"").arg(name, value), hc.where);
        if (name == QLatin1String("interval"))
            hc.intervalMs = *ms;
        else if (name == QLatin1String("timeout"))
            hc.timeoutMs = *ms;
        else if (name == QLatin1String("start-period"))
            hc.startPeriodMs = *ms;
        else if (name == QLatin1String("start-interval"))
            hc.startIntervalMs = *ms;
    }
    if (!rest.startsWith(QLatin1String("CMD"), Qt::CaseInsensitive))
        return core::fail(core::ErrorCategory::Project, QStringLiteral("dockerfile.healthcheck"),
                          QStringLiteral("HEALTHCHECK needs NONE or CMD"), hc.where);
    const QString cmd = rest.mid(3).trimmed();
    if (auto json = jsonForm(cmd))
        hc.test = QStringList{QStringLiteral("CMD")} + *json;
    else
        hc.test = {QStringLiteral("CMD-SHELL"), cmd};
    stage.facts.healthcheck = hc;
    return {};
}

// `ARG a=b c` and `ENV a=b` / legacy `ENV a b`.
QList<QPair<QString, QString>> assignments(const QString &args, bool legacyEnvForm)
{
    QList<QPair<QString, QString>> out;
    if (legacyEnvForm && !args.section(QLatin1Char(' '), 0, 0).contains(QLatin1Char('='))) {
        out.append({args.section(QLatin1Char(' '), 0, 0), args.section(QLatin1Char(' '), 1).trimmed()});
        return out;
    }
    static const QRegularExpression re(
        QStringLiteral("([A-Za-z_][A-Za-z0-9_]*)(?:=(\"[^\"]*\"|'[^']*'|\\S*))?"));
    auto it = re.globalMatch(args);
    while (it.hasNext()) {
        const auto m = it.next();
        QString v = m.captured(2);
        if (v.size() >= 2 && (v.startsWith(QLatin1Char('"')) || v.startsWith(QLatin1Char('\''))))
            v = v.mid(1, v.size() - 2);
        out.append({m.captured(1), m.captured(2).isNull() ? QString() : v});
    }
    return out;
}

core::Unexpected tooLarge(const QString &path)
{
    return core::fail(core::ErrorCategory::Project, QStringLiteral("dockerfile.too_large"),
                      QStringLiteral("Dockerfile is larger than 1 MiB; this does not look like a Dockerfile"),
                      {path});
}

} // namespace

core::Result<DockerfileFacts> DockerfileParser::parse(const QByteArray &text, const QString &path,
                                                      const QString &target)
{
    if (text.size() > MaxDockerfileBytes)
        return tooLarge(path);
    if (text.contains('\0'))
        return core::fail(core::ErrorCategory::Project, QStringLiteral("dockerfile.binary"),
                          QStringLiteral("Dockerfile contains binary data"), {path});

    QMap<QString, QString> globalArgs;
    QStringList argNames;
    QList<Stage> stages;
    for (const Instruction &ins : splitInstructions(QString::fromUtf8(text))) {
        const core::Location at{path, ins.line, 0};
        if (ins.keyword == QLatin1String("ARG")) {
            for (const auto &[name, value] : assignments(ins.args, false)) {
                argNames << name;
                QMap<QString, QString> &scope = stages.isEmpty() ? globalArgs : stages.last().vars;
                if (!value.isNull())
                    scope.insert(name, expand(value, scope));
                else if (!stages.isEmpty() && globalArgs.contains(name))
                    scope.insert(name, globalArgs.value(name)); // re-declared global ARG
                if (!value.isNull() && stages.isEmpty())
                    globalArgs.insert(name, scope.value(name));
            }
            continue;
        }
        if (ins.keyword == QLatin1String("FROM")) {
            QStringList words = ins.args.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            while (!words.isEmpty() && words.first().startsWith(QLatin1String("--")))
                words.removeFirst();
            if (words.isEmpty())
                return core::fail(core::ErrorCategory::Project, QStringLiteral("dockerfile.from"),
                                  QStringLiteral("FROM needs an image"), at);
            Stage stage;
            const QString image = expand(words.first(), globalArgs);
            if (words.size() >= 3 && words.at(1).compare(QLatin1String("AS"), Qt::CaseInsensitive) == 0)
                stage.name = words.at(2).toLower();
            for (const Stage &earlier : stages) // FROM <stage> inherits its metadata
                if (!earlier.name.isEmpty() && earlier.name == image.toLower()) {
                    stage.facts = earlier.facts;
                    stage.vars = earlier.vars;
                }
            stage.facts.baseImages.clear();
            stage.facts.baseImages << image;
            stages.append(stage);
            continue;
        }
        if (stages.isEmpty())
            return core::fail(core::ErrorCategory::Project, QStringLiteral("dockerfile.no_from"),
                              QStringLiteral("%1 before the first FROM").arg(ins.keyword), at);
        Stage &stage = stages.last();
        if (ins.keyword == QLatin1String("EXPOSE")) {
            if (auto r = applyExpose(stage, ins, path); !r)
                return core::fail(r.error());
        } else if (ins.keyword == QLatin1String("HEALTHCHECK")) {
            if (auto r = applyHealthcheck(stage, ins, path); !r)
                return core::fail(r.error());
        } else if (ins.keyword == QLatin1String("USER")) {
            stage.facts.user = expand(ins.args, stage.vars);
        } else if (ins.keyword == QLatin1String("WORKDIR")) {
            const QString dir = expand(ins.args, stage.vars);
            stage.facts.workdir = dir.startsWith(QLatin1Char('/')) || stage.facts.workdir.isEmpty()
                                      ? dir
                                      : stage.facts.workdir + QLatin1Char('/') + dir;
        } else if (ins.keyword == QLatin1String("ENV")) {
            for (const auto &[name, value] : assignments(ins.args, true))
                stage.vars.insert(name, expand(value, stage.vars));
        } else if (ins.keyword == QLatin1String("CMD")) {
            stage.facts.cmd = execForm(ins.args);
        } else if (ins.keyword == QLatin1String("ENTRYPOINT")) {
            stage.facts.entrypoint = execForm(ins.args);
            stage.facts.cmd.clear(); // Docker resets CMD when ENTRYPOINT is set
        }
    }
    if (stages.isEmpty())
        return core::fail(core::ErrorCategory::Project, QStringLiteral("dockerfile.no_from"),
                          QStringLiteral("Dockerfile has no FROM instruction"), {path});

    int chosen = int(stages.size()) - 1;
    if (!target.isEmpty()) {
        chosen = -1;
        for (int i = 0; i < stages.size(); ++i)
            if (stages.at(i).name == target.toLower())
                chosen = i;
        if (chosen < 0)
            return core::fail(
                core::ErrorCategory::Project, QStringLiteral("dockerfile.target"),
                QStringLiteral("build target \"%1\" is not a stage of this Dockerfile").arg(target), {path});
    }
    DockerfileFacts facts = stages.at(chosen).facts;
    facts.path = path;
    facts.args = argNames;
    facts.args.removeDuplicates();
    facts.argDefaults = globalArgs;
    facts.stages.clear();
    facts.baseImages.clear();
    for (const Stage &s : stages) {
        facts.stages << s.name;
        facts.baseImages << s.facts.baseImages.value(0);
    }
    return facts;
}

core::Result<DockerfileFacts> DockerfileParser::parseFile(const QString &path, const QString &target)
{
    QFile file(path);
    if (QFileInfo(path).size() > MaxDockerfileBytes)
        return tooLarge(path);
    if (!file.open(QIODevice::ReadOnly))
        return core::fail(core::ErrorCategory::Project, QStringLiteral("dockerfile.unreadable"),
                          QStringLiteral("cannot read the Dockerfile: %1").arg(file.errorString()), {path});
    return parse(file.readAll(), path, target);
}

} // namespace rr::project
