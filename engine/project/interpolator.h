#pragma once

#include "core/result.h"

#include <QMap>
#include <QSet>
#include <QString>

namespace rr::project {

// Compose variable interpolation over an explicit set of variables (the project's `.env`
// and per-run values). It never reads the host environment: the repo is untrusted.
// Supports $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+r}, ${VAR+r},
// $$ and nesting inside the default/replacement/error text.
class Interpolator final
{
public:
    Interpolator() = default;
    explicit Interpolator(QMap<QString, QString> variables);

    const QMap<QString, QString> &variables() const { return m_variables; }
    void setVariable(const QString &name, const QString &value) { m_variables.insert(name, value); }

    core::Result<QString> interpolate(const QString &text, const core::Location &where = {}) const;

    // Variables referenced without a value or default, so callers can warn once.
    QStringList unsetVariables() const;

private:
    core::Result<QString> expand(const QString &text, const core::Location &where, int depth) const;

    QMap<QString, QString> m_variables;
    mutable QSet<QString> m_unset;
};

} // namespace rr::project
