#pragma once

#include <QString>

namespace rr::core {

// Kubernetes/Docker-safe names. Rules from Kubernetes' apimachinery validation.
namespace names {

constexpr int MaxLabelLength = 63;

// True for an RFC 1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 chars.
bool isDns1123Label(const QString &name);
// True for an RFC 1035 label (Service names): must also start with a letter.
bool isDns1035Label(const QString &name);
// True for an RFC 1123 subdomain: dot-separated labels, at most 253 chars.
bool isDns1123Subdomain(const QString &name);

// Lower-cases, maps every other character to '-', collapses runs, trims, and makes the
// result a valid DNS-1035 label of at most maxLength chars. A hash suffix keeps
// distinct inputs distinct when characters had to be replaced or the text was cut.
QString toDnsLabel(const QString &text, int maxLength = MaxLabelLength);

// A short random run id: 8 characters of [a-z0-9], starting with a letter.
QString newRunId();

} // namespace names
} // namespace rr::core
