#pragma once

#include "core/error.h"

#include <version>

#if defined(__cpp_lib_expected)
#include <expected>
#else
#include <utility>
#include <variant>
#endif

namespace rr::core {

#if defined(__cpp_lib_expected)

template<class T> using Result = std::expected<T, Error>;
using Unexpected = std::unexpected<Error>;

#else

// clang 14 (our libFuzzer compiler) cannot use libstdc++'s <expected>; this is the
// small subset of std::expected the engine uses, so the same sources build under both.
class Unexpected
{
public:
    explicit Unexpected(Error e)
        : m_error(std::move(e))
    {}
    const Error &error() const & { return m_error; }
    Error &&error() && { return std::move(m_error); }

private:
    Error m_error;
};

template<class T> class Result
{
public:
    Result() requires std::is_default_constructible_v<T> : m_value(std::in_place_index<0>) {}
    Result(const T &v)
        : m_value(std::in_place_index<0>, v)
    {}
    Result(T &&v)
        : m_value(std::in_place_index<0>, std::move(v))
    {}
    template<class U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, Unexpected> &&
             !std::is_same_v<std::decay_t<U>, Result>) Result(U &&v)
        : m_value(std::in_place_index<0>, T(std::forward<U>(v)))
    {}
    Result(Unexpected u)
        : m_value(std::in_place_index<1>, std::move(u).error())
    {}

    bool has_value() const { return m_value.index() == 0; }
    explicit operator bool() const { return has_value(); }
    T &value() & { return std::get<0>(m_value); }
    const T &value() const & { return std::get<0>(m_value); }
    T &&value() && { return std::get<0>(std::move(m_value)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T &&operator*() && { return std::get<0>(std::move(m_value)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    const Error &error() const & { return std::get<1>(m_value); }
    Error &&error() && { return std::get<1>(std::move(m_value)); }
    template<class U> T value_or(U &&fallback) const
    {
        return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> m_value;
};

template<> class Result<void>
{
public:
    Result() = default;
    Result(Unexpected u)
        : m_error(std::move(u).error())
        , m_failed(true)
    {}
    bool has_value() const { return !m_failed; }
    explicit operator bool() const { return has_value(); }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};

#endif

// Shorthand for returning a failure from a function that returns Result<T>.
inline Unexpected fail(ErrorCategory category, const QString &code, const QString &message,
                       const Location &where = {})
{
    return Unexpected(makeError(category, code, message, where));
}
inline Unexpected fail(Error error)
{
    return Unexpected(std::move(error));
}

} // namespace rr::core
